#pragma once
// One typed facade over QSettings; keys are "group/key". Values that do not parse fall back to
// their defaults (a hand-edited file never breaks the start).
#include <QByteArray>
#include <QSettings>
#include <QString>
#include <cstddef>
#include <vector>

#include "cpc/app/indicator_spec.hpp"
#include "cpc/chart/chart_model.hpp"
#include "cpc/chart/price_scale.hpp"
#include "cpc/core/candle.hpp"
#include "cpc/core/interval.hpp"

namespace cpc::app {

// Which endpoints the app connects to for one exchange and market (applied at the next start, or
// when the toolbar switches to that exchange or market). Production is the venue's own hosts of
// that market (the registry's defaults); MarketData exists for Binance spot only, Testnet for
// Binance (spot and USD-M) and Bybit's perpetuals (OKX's demo trading is its production host with
// a header, not a host of its own; KuCoin has no perpetuals here).
enum class EndpointPreset : unsigned char { Production, MarketData, Testnet, Custom };
struct Endpoints {
    QString rest;
    QString stream;
};
QString toString(EndpointPreset preset);  // "production", "market-data", "testnet", "custom"
std::optional<EndpointPreset> parseEndpointPreset(const QString& text);
// "Binance", "Bybit", "OKX", "KuCoin" for the registry names (others unchanged).
QString exchangeDisplayName(const QString& exchange);
// The presets offered for `exchange`'s `market` (none for a market the venue lacks here).
std::vector<EndpointPreset> endpointPresets(const QString& exchange, MarketType market = MarketType::Spot);
// The fixed URLs of a preset of `exchange`'s `market` (Custom, or a preset it lacks: empty).
Endpoints presetEndpoints(EndpointPreset preset, const QString& exchange = QStringLiteral("binance"),
                          MarketType market = MarketType::Spot);

class AppSettings {
public:
    AppSettings();
    explicit AppSettings(const QString& iniFile);  // tests and --settings

    QString lastSymbol() const;
    void setLastSymbol(const QString& symbol);
    Interval lastInterval() const;
    void setLastInterval(Interval interval);
    chart::ChartType chartType() const;
    void setChartType(chart::ChartType type);
    chart::PriceScaleMode priceScaleMode() const;
    void setPriceScaleMode(chart::PriceScaleMode mode);
    bool priceScaleInverted() const;  // default off
    void setPriceScaleInverted(bool inverted);
    bool volumeVisible() const;
    void setVolumeVisible(bool visible);
    bool magnet() const;  // drawing anchors snap to OHLC; default off
    void setMagnet(bool on);
    bool volumeProfileVisible() const;  // visible-range volume profile; default off
    void setVolumeProfileVisible(bool visible);
    // Order flow: View ▸ Heatmap (default off), its colour scale (log by default), the value from
    // which a trade is a big trade (quote asset; default 250,000) and the footprint's imbalance
    // ratio (default 3).
    // Alerts: a sound with each notification (default on); the alert log dock shown (default off).
    bool alertSound() const;
    void setAlertSound(bool on);
    bool alertLogVisible() const;
    void setAlertLogVisible(bool visible);
    bool heatmapVisible() const;
    void setHeatmapVisible(bool visible);
    bool heatmapLogScale() const;
    void setHeatmapLogScale(bool log);
    double bigTradeMinValue() const;
    void setBigTradeMinValue(double value);
    double imbalanceRatio() const;
    void setImbalanceRatio(double ratio);
    QString language() const;  // "en" | "pt_BR" | "" (the system's)
    void setLanguage(const QString& language);
    QString theme() const;  // "dark" | "light"
    void setTheme(const QString& theme);
    QString timeZone() const;  // "UTC" | "local" | IANA id
    void setTimeZone(const QString& zone);
    QByteArray windowGeometry() const;
    void setWindowGeometry(const QByteArray& geometry);
    QByteArray windowState() const;
    void setWindowState(const QByteArray& state);
    // The workspace (MainWindow::workspaceState: layout tabs, their charts, splitters, link
    // groups, detached windows, the active chart) as JSON text; empty when none was saved.
    QByteArray workspace() const;
    void setWorkspace(const QByteArray& state);
    // The watchlists (WatchlistDock::state: named lists of EXCHANGE:SYMBOL, the shown one, the
    // dock shown or not) as JSON text; empty when none was saved.
    QByteArray watchlists() const;
    void setWatchlists(const QByteArray& state);
    // Drawings and indicators belong to the pair, not to one venue's spelling of it: they are kept
    // under pairKey(symbol) ("drawings/BTC-USDT" for BTCUSDT on Binance and Bybit and BTC-USDT on
    // OKX and KuCoin), so they follow the chart across exchanges. An entry saved before that under
    // the venue symbol ("drawings/BTCUSDT") is read while the pair has none and moved to the pair
    // on the next save.
    // Drawings of one pair (chart::serializeDrawings text); empty when none.
    std::vector<chart::Drawing> drawings(const QString& symbol) const;
    void setDrawings(const QString& symbol, const std::vector<chart::Drawing>& drawings);
    // Indicators of one pair's chart (whatever the timeframe), in the order they were added; one
    // "indicators/BASE-QUOTE" string list of serializeIndicatorSpec() lines. Lines that no longer
    // parse are skipped.
    std::vector<IndicatorSpec> indicators(const QString& symbol) const;
    void setIndicators(const QString& symbol, const std::vector<IndicatorSpec>& specs);

    // The exchange the app shows (exchange::adapterNames(); default and fallback "binance").
    QString exchange() const;
    void setExchange(const QString& name);
    // Endpoints are kept per exchange and market; an empty `exchange` means exchange(). Spot keeps
    // the keys it had before there were markets: Binance the ones from before there were several
    // venues ("exchange/preset", …), the others "exchange/<name>/preset", "exchange/<name>/customRest",
    // "exchange/<name>/customStream". A perpetual's are "exchange/<name>/perp/preset", … (Binance's
    // too).
    EndpointPreset endpointPreset(const QString& exchange = {}, MarketType market = MarketType::Spot) const;
    void setEndpointPreset(EndpointPreset preset, const QString& exchange = {}, MarketType market = MarketType::Spot);
    Endpoints customEndpoints(const QString& exchange = {}, MarketType market = MarketType::Spot) const;
    void setCustomEndpoints(const Endpoints& endpoints, const QString& exchange = {}, MarketType market = MarketType::Spot);
    // What the app should connect to for `exchange`'s `market`: the preset's URLs, or the custom
    // ones (empty for a market the venue lacks: its adapter refuses it).
    Endpoints effectiveEndpoints(const QString& exchange = {}, MarketType market = MarketType::Spot) const;
    QString extraCaFile() const;
    void setExtraCaFile(const QString& path);
    QString cacheDirectory() const;  // empty: the default per-user data directory
    void setCacheDirectory(const QString& path);
    static constexpr int kMinMemoryBudgetMb = 64;
    static constexpr int kMaxMemoryBudgetMb = 65536;
    int memoryBudgetMb() const;  // candle memory budget, 64 … 65536 (default 512)
    void setMemoryBudgetMb(int mb);
    std::size_t memoryBudgetBytes() const { return static_cast<std::size_t>(memoryBudgetMb()) << 20; }

    void sync() { m_settings.sync(); }

    // "BASE-QUOTE" of a symbol in any venue's spelling (ChartController::splitSymbol); the symbol
    // itself, upper-cased, when it cannot be split.
    static QString pairKey(const QString& symbol);

    // The market of the last chart opened (spot unless the toolbar or --market chose perp).
    MarketType market() const;
    void setMarket(MarketType market);
    // A perpetual chart's layers (View ▸ Perpetual): "mark", "index", "funding", "openInterest",
    // "liquidations"; every one shown unless turned off.
    bool perpLayerVisible(const QString& layer) const;
    void setPerpLayerVisible(const QString& layer, bool visible);

private:
    static constexpr auto kLastSymbol = "chart/lastSymbol";
    static constexpr auto kLastInterval = "chart/lastInterval";
    static constexpr auto kChartType = "chart/type";
    static constexpr auto kPriceScale = "chart/priceScale";
    static constexpr auto kPriceScaleInverted = "chart/priceScaleInverted";
    static constexpr auto kMagnet = "chart/magnet";
    static constexpr auto kVolume = "chart/volume";
    static constexpr auto kVolumeProfile = "chart/volumeProfile";
    static constexpr auto kHeatmap = "orderFlow/heatmap";
    static constexpr auto kHeatmapLog = "orderFlow/heatmapLogScale";
    static constexpr auto kBigTradeMinValue = "orderFlow/bigTradeMinValue";
    static constexpr auto kImbalanceRatio = "orderFlow/imbalanceRatio";
    static constexpr auto kTheme = "view/theme";
    static constexpr auto kLanguage = "view/language";
    static constexpr auto kTimeZone = "view/timeZone";
    static constexpr auto kWindowGeometry = "window/geometry";
    static constexpr auto kWindowState = "window/state";
    static constexpr auto kWorkspace = "window/workspace";
    static constexpr auto kDrawingsGroup = "drawings/";
    static constexpr auto kIndicatorsGroup = "indicators/";
    QString exchangeKey(const QString& exchange, MarketType market, const char* binanceKey, const char* name) const;
    QString readKey(const char* group, const QString& symbol) const;
    void writePerPair(const char* group, const QString& symbol, const QVariant& value);
    static constexpr auto kExchange = "exchange/name";
    static constexpr auto kEndpointPreset = "exchange/preset";
    static constexpr auto kCustomRest = "exchange/customRest";
    static constexpr auto kCustomStream = "exchange/customStream";
    static constexpr auto kCaFile = "exchange/extraCaFile";
    static constexpr auto kCacheDir = "cache/directory";
    static constexpr auto kMemoryBudget = "cache/memoryBudgetMb";
    QSettings m_settings;
};

}  // namespace cpc::app
