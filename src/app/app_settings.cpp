#include "cpc/app/app_settings.hpp"

#include <algorithm>

#include "cpc/app/chart_controller.hpp"
#include "cpc/chart/drawings.hpp"
#include "cpc/exchange/registry.hpp"

namespace cpc::app {

namespace {
QString qs(std::string_view s) { return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size())); }
constexpr int kDefaultMemoryBudgetMb = 512;
}  // namespace

QString toString(EndpointPreset preset) {
    switch (preset) {
    case EndpointPreset::Production: return QStringLiteral("production");
    case EndpointPreset::MarketData: return QStringLiteral("market-data");
    case EndpointPreset::Testnet: return QStringLiteral("testnet");
    case EndpointPreset::Custom: return QStringLiteral("custom");
    }
    return QStringLiteral("production");
}

std::optional<EndpointPreset> parseEndpointPreset(const QString& text) {
    for (const EndpointPreset p : {EndpointPreset::Production, EndpointPreset::MarketData, EndpointPreset::Testnet,
                                   EndpointPreset::Custom})
        if (toString(p) == text) return p;
    return std::nullopt;
}

QString exchangeDisplayName(const QString& exchange) {
    const QString n = exchange.trimmed().toLower();
    if (n == QLatin1String("binance")) return QStringLiteral("Binance");
    if (n == QLatin1String("bybit")) return QStringLiteral("Bybit");
    if (n == QLatin1String("okx")) return QStringLiteral("OKX");
    if (n == QLatin1String("kucoin")) return QStringLiteral("KuCoin");
    return exchange;
}

std::vector<EndpointPreset> endpointPresets(const QString& exchange, MarketType market) {
    const bool binance = exchange.compare(QLatin1String("binance"), Qt::CaseInsensitive) == 0;
    if (market == MarketType::Perp) {
        if (!exchange::defaultEndpoints(exchange.toStdString(), MarketType::Perp)) return {};
        if (binance || exchange.compare(QLatin1String("bybit"), Qt::CaseInsensitive) == 0)
            return {EndpointPreset::Production, EndpointPreset::Testnet, EndpointPreset::Custom};
        return {EndpointPreset::Production, EndpointPreset::Custom};
    }
    if (binance)
        return {EndpointPreset::Production, EndpointPreset::MarketData, EndpointPreset::Testnet, EndpointPreset::Custom};
    return {EndpointPreset::Production, EndpointPreset::Custom};
}

Endpoints presetEndpoints(EndpointPreset preset, const QString& exchange, MarketType market) {
    const bool binance = exchange.compare(QLatin1String("binance"), Qt::CaseInsensitive) == 0;
    const bool bybit = exchange.compare(QLatin1String("bybit"), Qt::CaseInsensitive) == 0;
    if (preset == EndpointPreset::Production) {
        auto e = exchange::defaultEndpoints(exchange.toStdString(), market);
        if (!e) return {};
        return {QString::fromStdString(e->restBase), QString::fromStdString(e->streamBase)};
    }
    if (preset == EndpointPreset::Testnet && market == MarketType::Perp) {
        // The venues' test networks of their perpetuals.
        if (binance)
            return {QStringLiteral("https://testnet.binancefuture.com"), QStringLiteral("wss://fstream.binancefuture.com")};
        if (bybit)
            return {QStringLiteral("https://api-testnet.bybit.com"), QStringLiteral("wss://stream-testnet.bybit.com/v5/public/linear")};
        return {};
    }
    if (!binance || market != MarketType::Spot) return {};
    switch (preset) {
    case EndpointPreset::Production: break;
    case EndpointPreset::MarketData:
        return {QStringLiteral("https://data-api.binance.vision"), QStringLiteral("wss://data-stream.binance.vision")};
    case EndpointPreset::Testnet:
        return {QStringLiteral("https://testnet.binance.vision"), QStringLiteral("wss://stream.testnet.binance.vision")};
    case EndpointPreset::Custom: break;
    }
    return {};
}

AppSettings::AppSettings() : m_settings(QSettings::IniFormat, QSettings::UserScope, "CanvasProChart", "canvasprochart") {}

AppSettings::AppSettings(const QString& iniFile) : m_settings(iniFile, QSettings::IniFormat) {}

QString AppSettings::lastSymbol() const { return m_settings.value(kLastSymbol, QStringLiteral("BTCUSDT")).toString(); }

void AppSettings::setLastSymbol(const QString& symbol) { m_settings.setValue(kLastSymbol, symbol); }

Interval AppSettings::lastInterval() const {
    const auto text = m_settings.value(kLastInterval, QStringLiteral("1m")).toString().toStdString();
    return parseInterval(text).value_or(Interval::M1);
}

void AppSettings::setLastInterval(Interval interval) { m_settings.setValue(kLastInterval, qs(toString(interval))); }

chart::ChartType AppSettings::chartType() const {
    return chart::parseChartType(m_settings.value(kChartType).toString().toStdString()).value_or(chart::ChartType::Candles);
}

void AppSettings::setChartType(chart::ChartType type) { m_settings.setValue(kChartType, qs(chart::toString(type))); }

chart::PriceScaleMode AppSettings::priceScaleMode() const {
    return chart::parsePriceScaleMode(m_settings.value(kPriceScale).toString().toStdString())
        .value_or(chart::PriceScaleMode::Linear);
}

void AppSettings::setPriceScaleMode(chart::PriceScaleMode mode) {
    m_settings.setValue(kPriceScale, qs(chart::toString(mode)));
}

bool AppSettings::priceScaleInverted() const { return m_settings.value(kPriceScaleInverted, false).toBool(); }

void AppSettings::setPriceScaleInverted(bool inverted) { m_settings.setValue(kPriceScaleInverted, inverted); }

bool AppSettings::volumeVisible() const { return m_settings.value(kVolume, true).toBool(); }

void AppSettings::setVolumeVisible(bool visible) { m_settings.setValue(kVolume, visible); }

bool AppSettings::magnet() const { return m_settings.value(kMagnet, false).toBool(); }

void AppSettings::setMagnet(bool on) { m_settings.setValue(kMagnet, on); }

bool AppSettings::alertSound() const { return m_settings.value(QStringLiteral("alerts/sound"), true).toBool(); }

void AppSettings::setAlertSound(bool on) { m_settings.setValue(QStringLiteral("alerts/sound"), on); }

bool AppSettings::alertLogVisible() const { return m_settings.value(QStringLiteral("alerts/logVisible"), false).toBool(); }

void AppSettings::setAlertLogVisible(bool visible) { m_settings.setValue(QStringLiteral("alerts/logVisible"), visible); }

bool AppSettings::volumeProfileVisible() const { return m_settings.value(kVolumeProfile, false).toBool(); }

void AppSettings::setVolumeProfileVisible(bool visible) { m_settings.setValue(kVolumeProfile, visible); }

bool AppSettings::heatmapVisible() const { return m_settings.value(kHeatmap, false).toBool(); }
void AppSettings::setHeatmapVisible(bool visible) { m_settings.setValue(kHeatmap, visible); }
bool AppSettings::heatmapLogScale() const { return m_settings.value(kHeatmapLog, true).toBool(); }
void AppSettings::setHeatmapLogScale(bool log) { m_settings.setValue(kHeatmapLog, log); }

double AppSettings::bigTradeMinValue() const {
    bool ok = false;
    const double v = m_settings.value(kBigTradeMinValue, 250'000.0).toDouble(&ok);
    return ok && v > 0.0 ? v : 250'000.0;
}
void AppSettings::setBigTradeMinValue(double value) { m_settings.setValue(kBigTradeMinValue, value); }

double AppSettings::imbalanceRatio() const {
    bool ok = false;
    const double v = m_settings.value(kImbalanceRatio, 3.0).toDouble(&ok);
    return ok && v >= 1.0 ? v : 3.0;
}
void AppSettings::setImbalanceRatio(double ratio) { m_settings.setValue(kImbalanceRatio, ratio); }

QString AppSettings::language() const { return m_settings.value(kLanguage).toString(); }

void AppSettings::setLanguage(const QString& language) { m_settings.setValue(kLanguage, language); }

QString AppSettings::theme() const {
    const QString t = m_settings.value(kTheme, QStringLiteral("dark")).toString();
    return t == QLatin1String("light") ? t : QStringLiteral("dark");
}

void AppSettings::setTheme(const QString& theme) { m_settings.setValue(kTheme, theme); }

QString AppSettings::timeZone() const { return m_settings.value(kTimeZone, QStringLiteral("UTC")).toString(); }

void AppSettings::setTimeZone(const QString& zone) { m_settings.setValue(kTimeZone, zone); }

QByteArray AppSettings::windowGeometry() const { return m_settings.value(kWindowGeometry).toByteArray(); }

void AppSettings::setWindowGeometry(const QByteArray& geometry) { m_settings.setValue(kWindowGeometry, geometry); }

QByteArray AppSettings::windowState() const { return m_settings.value(kWindowState).toByteArray(); }

void AppSettings::setWindowState(const QByteArray& state) { m_settings.setValue(kWindowState, state); }

// Kept as text (not a byte array): a hand-edited INI stays readable, and a value that is not
// JSON is simply not restored (MainWindow::restoreWorkspace).
QByteArray AppSettings::workspace() const { return m_settings.value(kWorkspace).toString().toUtf8(); }

void AppSettings::setWorkspace(const QByteArray& state) { m_settings.setValue(kWorkspace, QString::fromUtf8(state)); }

// Text for the same reasons as the workspace.
QByteArray AppSettings::watchlists() const { return m_settings.value(QStringLiteral("watchlist/lists")).toString().toUtf8(); }

void AppSettings::setWatchlists(const QByteArray& state) {
    m_settings.setValue(QStringLiteral("watchlist/lists"), QString::fromUtf8(state));
}

std::vector<IndicatorSpec> AppSettings::indicators(const QString& symbol) const {
    std::vector<IndicatorSpec> specs;
    const QStringList lines = m_settings.value(readKey(kIndicatorsGroup, symbol)).toStringList();
    for (const QString& line : lines)
        if (auto spec = parseIndicatorSpec(line)) specs.push_back(std::move(*spec));
    return specs;
}

void AppSettings::setIndicators(const QString& symbol, const std::vector<IndicatorSpec>& specs) {
    QStringList lines;
    for (const IndicatorSpec& spec : specs) lines << serializeIndicatorSpec(spec);
    writePerPair(kIndicatorsGroup, symbol, specs.empty() ? QVariant() : QVariant(lines));
}

std::vector<chart::Drawing> AppSettings::drawings(const QString& symbol) const {
    const QString text = m_settings.value(readKey(kDrawingsGroup, symbol)).toString();
    return chart::parseDrawings(text.toStdString());
}

void AppSettings::setDrawings(const QString& symbol, const std::vector<chart::Drawing>& drawings) {
    writePerPair(kDrawingsGroup, symbol,
                 drawings.empty() ? QVariant() : QVariant(QString::fromStdString(chart::serializeDrawings(drawings))));
}

QString AppSettings::pairKey(const QString& symbol) {
    const QString upper = symbol.trimmed().toUpper();
    const auto pair = ChartController::splitSymbol(upper.toStdString());
    return pair ? QString::fromStdString(pair->first + "-" + pair->second) : upper;
}

QString AppSettings::readKey(const char* group, const QString& symbol) const {
    const QString pair = QLatin1String(group) + pairKey(symbol);
    if (m_settings.contains(pair)) return pair;
    // Before drawings and indicators were kept per pair they were kept per venue symbol.
    return QLatin1String(group) + symbol.trimmed().toUpper();
}

void AppSettings::writePerPair(const char* group, const QString& symbol, const QVariant& value) {
    const QString pair = QLatin1String(group) + pairKey(symbol);
    const QString legacy = QLatin1String(group) + symbol.trimmed().toUpper();
    const bool hadPair = m_settings.contains(pair);
    if (legacy != pair && m_settings.contains(legacy)) {
        if (!hadPair) m_settings.remove(legacy);  // what was shown came from it: now kept under the pair
        else if (!value.isValid()) {
            // Another spelling's old entry stays (nothing is thrown away unseen); an empty entry
            // under the pair keeps it from showing again once this pair's list is cleared.
            m_settings.setValue(pair, QString());
            return;
        }
    }
    if (value.isValid()) m_settings.setValue(pair, value);
    else m_settings.remove(pair);
}

QString AppSettings::exchange() const {
    const QString name = m_settings.value(kExchange).toString().trimmed().toLower();
    for (const auto& known : exchange::adapterNames())
        if (name == QString::fromStdString(known)) return name;
    return QStringLiteral("binance");
}

void AppSettings::setExchange(const QString& name) { m_settings.setValue(kExchange, name.trimmed().toLower()); }

MarketType AppSettings::market() const {
    return parseMarketType(m_settings.value(QStringLiteral("exchange/market")).toString().toStdString()).value_or(MarketType::Spot);
}

void AppSettings::setMarket(MarketType market) {
    m_settings.setValue(QStringLiteral("exchange/market"), QString::fromLatin1(toString(market).data(), static_cast<qsizetype>(toString(market).size())));
}

bool AppSettings::perpLayerVisible(const QString& layer) const {
    return m_settings.value(QStringLiteral("perp/") + layer, true).toBool();
}

void AppSettings::setPerpLayerVisible(const QString& layer, bool visible) {
    m_settings.setValue(QStringLiteral("perp/") + layer, visible);
}

QString AppSettings::exchangeKey(const QString& exchangeName, MarketType market, const char* binanceKey,
                                 const char* name) const {
    const QString venue = exchangeName.isEmpty() ? exchange() : exchangeName.trimmed().toLower();
    if (market == MarketType::Perp) return QStringLiteral("exchange/%1/perp/%2").arg(venue, QString::fromLatin1(name));
    if (venue == QLatin1String("binance")) return QString::fromLatin1(binanceKey);
    return QStringLiteral("exchange/%1/%2").arg(venue, QString::fromLatin1(name));
}

EndpointPreset AppSettings::endpointPreset(const QString& exchangeName, MarketType market) const {
    const QString venue = exchangeName.isEmpty() ? exchange() : exchangeName;
    const auto preset =
        parseEndpointPreset(m_settings.value(exchangeKey(venue, market, kEndpointPreset, "preset")).toString());
    const auto offered = endpointPresets(venue, market);
    if (!preset || std::find(offered.begin(), offered.end(), *preset) == offered.end()) return EndpointPreset::Production;
    return *preset;
}

void AppSettings::setEndpointPreset(EndpointPreset preset, const QString& exchangeName, MarketType market) {
    m_settings.setValue(exchangeKey(exchangeName, market, kEndpointPreset, "preset"), toString(preset));
}

Endpoints AppSettings::customEndpoints(const QString& exchangeName, MarketType market) const {
    return {m_settings.value(exchangeKey(exchangeName, market, kCustomRest, "customRest")).toString(),
            m_settings.value(exchangeKey(exchangeName, market, kCustomStream, "customStream")).toString()};
}

void AppSettings::setCustomEndpoints(const Endpoints& endpoints, const QString& exchangeName, MarketType market) {
    m_settings.setValue(exchangeKey(exchangeName, market, kCustomRest, "customRest"), endpoints.rest);
    m_settings.setValue(exchangeKey(exchangeName, market, kCustomStream, "customStream"), endpoints.stream);
}

Endpoints AppSettings::effectiveEndpoints(const QString& exchangeName, MarketType market) const {
    const QString venue = exchangeName.isEmpty() ? exchange() : exchangeName;
    const EndpointPreset preset = endpointPreset(venue, market);
    return preset == EndpointPreset::Custom ? customEndpoints(venue, market) : presetEndpoints(preset, venue, market);
}

QString AppSettings::extraCaFile() const { return m_settings.value(kCaFile).toString(); }

void AppSettings::setExtraCaFile(const QString& path) { m_settings.setValue(kCaFile, path); }

QString AppSettings::cacheDirectory() const { return m_settings.value(kCacheDir).toString(); }

void AppSettings::setCacheDirectory(const QString& path) { m_settings.setValue(kCacheDir, path); }

int AppSettings::memoryBudgetMb() const {
    bool ok = false;
    const int mb = m_settings.value(kMemoryBudget, kDefaultMemoryBudgetMb).toInt(&ok);
    return ok ? std::clamp(mb, kMinMemoryBudgetMb, kMaxMemoryBudgetMb) : kDefaultMemoryBudgetMb;
}

void AppSettings::setMemoryBudgetMb(int mb) {
    m_settings.setValue(kMemoryBudget, std::clamp(mb, kMinMemoryBudgetMb, kMaxMemoryBudgetMb));
}

}  // namespace cpc::app
