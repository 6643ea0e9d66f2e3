#include "cpc/chart_qt/chart_theme.hpp"

#include <QStringList>

namespace cpc::chart_qt {

ChartTheme darkTheme() {
    ChartTheme t;
    // UI sans-serif faces with tabular digits, so price labels line up; fontconfig falls back to
    // whatever sans is installed.
    QFont f;
    f.setFamilies({QStringLiteral("Inter"), QStringLiteral("Roboto"), QStringLiteral("Segoe UI"),
                   QStringLiteral("Ubuntu"), QStringLiteral("Noto Sans"),
                   QStringLiteral("DejaVu Sans")});
    f.setStyleHint(QFont::SansSerif);
    f.setPixelSize(12);
    t.font = f;
    t.boldFont = f;
    t.boldFont.setWeight(QFont::DemiBold);
    t.placeholderFont = f;
    t.placeholderFont.setPixelSize(15);
    return t;
}

}  // namespace cpc::chart_qt
