#include "cpc/app/settings_dialog.hpp"

#include <QComboBox>
#include <QCompleter>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QUrl>
#include <QVBoxLayout>

#include <algorithm>

#include "cpc/app/app_settings.hpp"
#include "cpc/app/language.hpp"
#include "cpc/chart_qt/time_zone.hpp"
#include "cpc/exchange/registry.hpp"

namespace cpc::app {

namespace {

bool isLoopback(const QString& host) {
    return host == QLatin1String("localhost") || host.startsWith(QLatin1String("127.")) || host == QLatin1String("::1");
}

// The network layer refuses plain http:// and ws:// except to loopback; say so here first.
QString checkUrl(const QString& text, const QString& secure, const QString& plain, const QString& what) {
    const QUrl url(text, QUrl::StrictMode);
    if (!url.isValid() || url.host().isEmpty())
        return QObject::tr("%1 URL \"%2\" is not a valid URL").arg(what, text);
    if (url.scheme() == secure) return {};
    if (url.scheme() == plain && isLoopback(url.host())) return {};
    return QObject::tr("%1 URL must start with %2:// (%3:// only for localhost)").arg(what, secure, plain);
}

QWidget* withBrowse(QLineEdit* edit, QWidget* parent, std::function<void()> browse) {
    auto* row = new QWidget(parent);
    auto* layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(edit, 1);
    auto* button = new QPushButton(QObject::tr("Browse…"), row);
    QObject::connect(button, &QPushButton::clicked, row, std::move(browse));
    layout->addWidget(button);
    return row;
}

}  // namespace

SettingsDialog::SettingsDialog(AppSettings& settings, QWidget* parent) : QDialog(parent), m_settings(settings) {
    setWindowTitle(tr("Settings"));
    setObjectName(QStringLiteral("settingsDialog"));
    auto* form = new QFormLayout;

    // Every exchange's endpoints of each of its markets are edited here (the toolbar's exchange and
    // market first); each is saved on OK.
    for (const std::string& n : exchange::adapterNames()) {
        const QString name = QString::fromStdString(n);
        for (const MarketType market : {MarketType::Spot, MarketType::Perp})
            if (!endpointPresets(name, market).empty())
                m_edits[{name, market}] = EndpointEdit{settings.endpointPreset(name, market), settings.customEndpoints(name, market)};
    }
    m_exchange = new QComboBox(this);
    m_exchange->setObjectName(QStringLiteral("endpointExchange"));
    for (const std::string& n : exchange::adapterNames())
        m_exchange->addItem(exchangeDisplayName(QString::fromStdString(n)), QString::fromStdString(n));
    m_exchange->setCurrentIndex(std::max(0, m_exchange->findData(settings.exchange())));
    m_shownExchange = m_exchange->currentData().toString();
    form->addRow(tr("Exchange"), m_exchange);

    m_market = new QComboBox(this);
    m_market->setObjectName(QStringLiteral("endpointMarket"));
    m_market->addItem(tr("Spot"), static_cast<int>(MarketType::Spot));
    m_market->addItem(tr("Perpetual futures"), static_cast<int>(MarketType::Perp));
    m_shownMarket = m_edits.contains({m_shownExchange, settings.market()}) ? settings.market() : MarketType::Spot;
    m_market->setCurrentIndex(std::max(0, m_market->findData(static_cast<int>(m_shownMarket))));
    form->addRow(tr("Market"), m_market);

    m_preset = new QComboBox(this);
    m_preset->setObjectName(QStringLiteral("endpointPreset"));
    fillPresets();
    form->addRow(tr("Endpoints"), m_preset);

    m_rest = new QLineEdit(this);
    m_rest->setObjectName(QStringLiteral("restUrl"));
    m_stream = new QLineEdit(this);
    m_stream->setObjectName(QStringLiteral("streamUrl"));
    form->addRow(tr("REST URL"), m_rest);
    form->addRow(tr("Stream URL"), m_stream);
    connect(m_preset, &QComboBox::currentIndexChanged, this, &SettingsDialog::presetChanged);
    connect(m_exchange, &QComboBox::currentIndexChanged, this, &SettingsDialog::exchangeChanged);
    connect(m_market, &QComboBox::currentIndexChanged, this, &SettingsDialog::exchangeChanged);

    m_caFile = new QLineEdit(settings.extraCaFile(), this);
    m_caFile->setObjectName(QStringLiteral("caFile"));
    m_caFile->setPlaceholderText(tr("none: the system certificate store only"));
    form->addRow(tr("Extra CA file (PEM)"), withBrowse(m_caFile, this, [this] {
                     const QString f = QFileDialog::getOpenFileName(this, tr("CA certificates"), m_caFile->text(),
                                                                    tr("PEM files (*.pem *.crt);;All files (*)"));
                     if (!f.isEmpty()) m_caFile->setText(f);
                 }));

    m_cacheDir = new QLineEdit(settings.cacheDirectory(), this);
    m_cacheDir->setObjectName(QStringLiteral("cacheDir"));
    m_cacheDir->setPlaceholderText(tr("default: the per-user data folder"));
    form->addRow(tr("Candle cache folder"), withBrowse(m_cacheDir, this, [this] {
                     const QString d = QFileDialog::getExistingDirectory(this, tr("Candle cache folder"), m_cacheDir->text());
                     if (!d.isEmpty()) m_cacheDir->setText(d);
                 }));

    m_memoryBudget = new QSpinBox(this);
    m_memoryBudget->setObjectName(QStringLiteral("memoryBudget"));
    m_memoryBudget->setRange(AppSettings::kMinMemoryBudgetMb, AppSettings::kMaxMemoryBudgetMb);
    m_memoryBudget->setSingleStep(64);
    m_memoryBudget->setSuffix(tr(" MB"));
    m_memoryBudget->setValue(settings.memoryBudgetMb());
    m_memoryBudget->setToolTip(tr("Candles kept in memory for instant switching; over the budget the least "
                                  "recently used series are dropped (they stay in the cache file)."));
    form->addRow(tr("Memory budget"), m_memoryBudget);

    m_timeZone = new QComboBox(this);
    m_timeZone->setObjectName(QStringLiteral("timeZone"));
    m_timeZone->setEditable(true);
    m_timeZone->setInsertPolicy(QComboBox::NoInsert);
    m_timeZone->addItems(chart_qt::timeZoneNames());
    m_timeZone->completer()->setFilterMode(Qt::MatchContains);
    m_timeZone->completer()->setCaseSensitivity(Qt::CaseInsensitive);
    m_timeZone->setCurrentText(settings.timeZone());
    form->addRow(tr("Time zone"), m_timeZone);

    m_theme = new QComboBox(this);
    m_theme->setObjectName(QStringLiteral("theme"));
    m_theme->addItem(tr("Dark"), QStringLiteral("dark"));
    m_theme->addItem(tr("Light"), QStringLiteral("light"));
    m_theme->setCurrentIndex(m_theme->findData(settings.theme()));
    form->addRow(tr("Theme"), m_theme);

    m_language = new QComboBox(this);
    m_language->setObjectName(QStringLiteral("language"));
    m_language->addItem(tr("System (%1)").arg(languageDisplayName(systemLanguage())), QString());
    for (const QString& language : interfaceLanguages()) m_language->addItem(languageDisplayName(language), language);
    m_language->setCurrentIndex(std::max(0, m_language->findData(parseLanguage(settings.language()).value_or(QString()))));
    form->addRow(tr("Language"), m_language);

    auto* note = new QLabel(tr("Endpoints take effect at the next start or when the toolbar switches to that exchange or market; the CA "
                               "file and the cache folder at the next start. "
                               "Memory budget, time zone and theme apply at once; the language at the next start."), this);
    note->setWordWrap(true);
    m_error = new QLabel(this);
    m_error->setObjectName(QStringLiteral("settingsError"));
    m_error->setStyleSheet(QStringLiteral("color: #ef5350"));
    m_error->setWordWrap(true);
    m_error->hide();

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &SettingsDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &SettingsDialog::reject);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(note);
    layout->addWidget(m_error);
    layout->addWidget(buttons);
    presetChanged();
    resize(620, sizeHint().height());
}

void SettingsDialog::fillPresets() {
    // A venue without perpetuals here (KuCoin) offers its spot market only.
    {
        const QSignalBlocker block(m_market);
        const bool hasPerp = m_edits.contains({m_shownExchange, MarketType::Perp});
        if (!hasPerp) m_shownMarket = MarketType::Spot;
        m_market->setCurrentIndex(std::max(0, m_market->findData(static_cast<int>(m_shownMarket))));
        m_market->setEnabled(hasPerp);
        m_market->setToolTip(hasPerp ? QString()
                                     : tr("%1 has no perpetual futures here").arg(exchangeDisplayName(m_shownExchange)));
    }
    const QSignalBlocker block(m_preset);
    m_preset->clear();
    const QString& exchange = m_shownExchange;
    const QString venue = exchangeDisplayName(exchange);
    const bool perp = m_shownMarket == MarketType::Perp;
    for (const EndpointPreset preset : endpointPresets(exchange, m_shownMarket)) {
        const QString host = QUrl(presetEndpoints(preset, exchange, m_shownMarket).rest).host();
        switch (preset) {
        case EndpointPreset::Production:
            m_preset->addItem(perp ? tr("%1 perpetual futures (%2)").arg(venue, host) : tr("%1 (%2)").arg(venue, host),
                              toString(preset));
            break;
        case EndpointPreset::MarketData:
            m_preset->addItem(tr("%1 market data only (%2)").arg(venue, host), toString(preset));
            break;
        case EndpointPreset::Testnet:
            m_preset->addItem(perp ? tr("%1 perpetual futures testnet (%2)").arg(venue, host)
                                   : tr("%1 Spot testnet (%2)").arg(venue, host),
                              toString(preset));
            break;
        case EndpointPreset::Custom: m_preset->addItem(tr("Custom"), toString(preset)); break;
        }
    }
    m_preset->setCurrentIndex(std::max(0, m_preset->findData(toString(m_edits[{exchange, m_shownMarket}].preset))));
}

void SettingsDialog::stashEdits() {
    EndpointEdit& edit = m_edits[{m_shownExchange, m_shownMarket}];
    edit.preset = parseEndpointPreset(m_preset->currentData().toString()).value_or(EndpointPreset::Production);
    if (edit.preset == EndpointPreset::Custom) edit.custom = {m_rest->text().trimmed(), m_stream->text().trimmed()};
}

void SettingsDialog::exchangeChanged() {
    stashEdits();
    m_shownExchange = m_exchange->currentData().toString();
    m_shownMarket = static_cast<MarketType>(m_market->currentData().toInt());
    fillPresets();
    presetChanged();
}

void SettingsDialog::presetChanged() {
    const auto preset = parseEndpointPreset(m_preset->currentData().toString()).value_or(EndpointPreset::Production);
    const bool custom = preset == EndpointPreset::Custom;
    m_rest->setReadOnly(!custom);
    m_stream->setReadOnly(!custom);
    const Endpoints e =
        custom ? m_edits[{m_shownExchange, m_shownMarket}].custom : presetEndpoints(preset, m_shownExchange, m_shownMarket);
    m_rest->setText(e.rest);
    m_stream->setText(e.stream);
}

QString SettingsDialog::errorText() const { return m_error->isVisible() || !m_error->text().isEmpty() ? m_error->text() : QString(); }

bool SettingsDialog::apply() {
    stashEdits();
    QString error;
    for (const auto& [which, edit] : m_edits) {
        if (edit.preset != EndpointPreset::Custom) continue;
        const auto& [name, market] = which;
        const QString venue = exchangeDisplayName(name);
        const bool perp = market == MarketType::Perp;
        error = checkUrl(edit.custom.rest, QStringLiteral("https"), QStringLiteral("http"),
                         perp ? tr("%1 perpetual REST").arg(venue) : tr("%1 REST").arg(venue));
        if (error.isEmpty())
            error = checkUrl(edit.custom.stream, QStringLiteral("wss"), QStringLiteral("ws"),
                             perp ? tr("%1 perpetual Stream").arg(venue) : tr("%1 Stream").arg(venue));
        if (!error.isEmpty()) {
            // Show the exchange and market at fault (what was shown is stashed above).
            if (name != m_shownExchange || market != m_shownMarket) {
                {
                    const QSignalBlocker block(m_exchange);
                    m_exchange->setCurrentIndex(m_exchange->findData(name));
                }
                const QSignalBlocker block(m_market);
                m_market->setCurrentIndex(m_market->findData(static_cast<int>(market)));
                m_shownExchange = name;
                m_shownMarket = market;
                fillPresets();
                presetChanged();
            }
            break;
        }
    }
    const QString ca = m_caFile->text().trimmed();
    if (error.isEmpty() && !ca.isEmpty() && !QFileInfo(ca).isFile())
        error = tr("CA file \"%1\" does not exist").arg(ca);
    const QString cache = m_cacheDir->text().trimmed();
    if (error.isEmpty() && !cache.isEmpty() && !QDir().mkpath(cache))
        error = tr("cache folder \"%1\" cannot be created").arg(cache);
    const QString zone = m_timeZone->currentText().trimmed();
    if (error.isEmpty() && !chart_qt::timeZoneOffset(zone))
        error = tr("unknown time zone \"%1\": use UTC, local or an IANA name such as Europe/Berlin").arg(zone);
    m_error->setText(error);
    m_error->setVisible(!error.isEmpty());
    if (!error.isEmpty()) return false;

    for (const auto& [which, edit] : m_edits) {
        m_settings.setEndpointPreset(edit.preset, which.first, which.second);
        if (edit.preset == EndpointPreset::Custom) m_settings.setCustomEndpoints(edit.custom, which.first, which.second);
    }
    m_settings.setExtraCaFile(ca);
    m_settings.setCacheDirectory(cache);
    m_settings.setMemoryBudgetMb(m_memoryBudget->value());
    m_settings.setTimeZone(zone);
    m_settings.setTheme(m_theme->currentData().toString());
    m_settings.setLanguage(m_language->currentData().toString());
    return true;
}

void SettingsDialog::accept() {
    if (apply()) QDialog::accept();
}

}  // namespace cpc::app
