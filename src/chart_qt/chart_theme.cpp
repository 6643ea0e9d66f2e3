#include "cpc/chart_qt/chart_theme.hpp"

#include <QStringList>

namespace cpc::chart_qt {

namespace {
void setFonts(ChartTheme& t);
}  // namespace

ChartTheme darkTheme() {
    ChartTheme t;
    setFonts(t);
    return t;
}

ChartTheme lightTheme() {
    ChartTheme t;
    t.dark = false;
    t.background = QColor(0xff, 0xff, 0xff);
    t.grid = QColor(0xf0, 0xf3, 0xfa);
    t.border = QColor(0xd6, 0xdc, 0xde);
    t.text = QColor(0x13, 0x17, 0x22);
    t.strongText = QColor(0x13, 0x17, 0x22);
    t.mutedText = QColor(0x78, 0x7b, 0x86);
    t.inverseText = QColor(0xff, 0xff, 0xff);
    t.risingVolume = QColor(0x26, 0xa6, 0x9a, 0x80);
    t.fallingVolume = QColor(0xef, 0x53, 0x50, 0x80);
    t.crosshair = QColor(0x78, 0x7b, 0x86);
    t.crosshairLabel = QColor(0x13, 0x17, 0x22);
    t.areaTop = QColor(0x29, 0x62, 0xff, 0x59);
    t.areaBottom = QColor(0x29, 0x62, 0xff, 0x05);
    t.selectionHandle = QColor(0xff, 0xff, 0xff);
    t.profileUp = QColor(0x26, 0xa6, 0x9a, 0x59);
    t.profileDown = QColor(0xef, 0x53, 0x50, 0x59);
    t.profileUpOutside = QColor(0x26, 0xa6, 0x9a, 0x26);
    t.profileDownOutside = QColor(0xef, 0x53, 0x50, 0x26);
    t.profilePoc = QColor(0xf5, 0x7c, 0x00, 0xcc);
    setFonts(t);
    return t;
}

std::optional<ChartTheme> themeByName(const QString& name) {
    if (name == QLatin1String("dark")) return darkTheme();
    if (name == QLatin1String("light")) return lightTheme();
    return std::nullopt;
}

QStringList themeNames() { return {QStringLiteral("dark"), QStringLiteral("light")}; }

namespace {
void setFonts(ChartTheme& t) {
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
}
}  // namespace

}  // namespace cpc::chart_qt
