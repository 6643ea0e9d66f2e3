#include "cpc/app/about_dialog.hpp"

#include <QDialogButtonBox>
#include <QLabel>
#include <QVBoxLayout>

#include "cpc/app/app_identity.hpp"
#include "cpc/app/app_settings.hpp"
#include "cpc/core/build_info.hpp"
#include "cpc/exchange/registry.hpp"

namespace cpc::app {

AboutDialog::AboutDialog(QWidget* parent) : QDialog(parent) {
    setObjectName(QStringLiteral("aboutDialog"));
    setWindowTitle(tr("About CanvasProChart"));

    QString sources;
    for (const std::string& name : exchange::adapterNames()) {
        const auto endpoints = exchange::defaultEndpoints(name);
        if (!endpoints) continue;
        sources += QStringLiteral("<li><b>%1</b>: %2, %3</li>")
                       .arg(exchangeDisplayName(QString::fromStdString(name)),
                            QString::fromStdString(endpoints->restBase).toHtmlEscaped(),
                            QString::fromStdString(endpoints->streamBase).toHtmlEscaped());
    }
    m_text = QStringLiteral("<h2>CanvasProChart</h2>") +
             QStringLiteral("<p>%1</p>").arg(tr("Version %1").arg(QString::fromStdString(versionText()))) +
             QStringLiteral("<p>%1</p>").arg(tr("Live candlestick charts from crypto exchanges.")) +
             QStringLiteral("<p>%1<br>%2</p>")
                 .arg(tr("Licence: MIT License."), tr("Copyright © 2026 The CanvasProChart authors.")) +
             QStringLiteral("<p><b>%1</b></p><ul>%2</ul>").arg(tr("Market data sources (public APIs):"), sources) +
             QStringLiteral("<p>%1</p>")
                 .arg(tr("The data belongs to the exchanges and is shown as received, without warranty. "
                         "Demo mode uses the built-in simulator and no network.")) +
             QStringLiteral("<p>%1</p>").arg(tr("Built with Qt %1.").arg(QString::fromLatin1(qVersion())));

    auto* layout = new QVBoxLayout(this);
    auto* icon = new QLabel(this);
    icon->setPixmap(applicationIcon().pixmap(64, 64));
    icon->setAlignment(Qt::AlignHCenter);
    layout->addWidget(icon);
    auto* label = new QLabel(m_text, this);
    label->setObjectName(QStringLiteral("aboutText"));
    label->setTextFormat(Qt::RichText);
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(label);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
    setMinimumWidth(460);
}

QString AboutDialog::text() const { return m_text; }

}  // namespace cpc::app
