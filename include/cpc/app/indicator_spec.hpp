#pragma once
// What the user chose for one indicator on a chart: which one, its parameters, a colour per
// output and where it is drawn, and its properties (line styles, reference levels, hidden).
// Saved per symbol in the settings as one line of text:
//   "SMA(20) overlay #2962ff"     "MACD(12,26,9) pane #2962ff,#ff6d00,#26a69a"
//   "RSI(14) pane #2962ff styles=2:dashed levels=20,80 height=0.25 hidden"
// The properties are written only when they differ from the defaults, so older lines read as
// before (with the indicator's default levels).
#include <QColor>
#include <QString>
#include <optional>
#include <string>
#include <vector>

#include "cpc/chart/drawings.hpp"
#include "cpc/indicators/indicator.hpp"

namespace cpc::app {

// How one output line is drawn.
struct LineStyle {
    double width = 1.5;  // logical px, 0.5 … 10
    chart::LineDash dash = chart::LineDash::Solid;
    bool operator==(const LineStyle&) const = default;
};

struct IndicatorSpec {
    QString name;                 // registry name, upper case: "SMA"
    std::vector<double> params;   // in IndicatorInfo::params order (missing: defaults)
    std::vector<QColor> colours;  // one per output (missing: the default palette)
    indicators::Placement placement = indicators::Placement::Overlay;
    std::vector<LineStyle> styles;  // one per output (missing: the default style)
    // Reference levels drawn across its pane (RSI 30 / 70); parseIndicatorSpec and defaultSpec
    // give the indicator's defaults (defaultLevels).
    std::vector<double> levels;
    bool hidden = false;  // kept (and computed) but not drawn
    // Its pane's height as a share of the plot (the user dragged the separator); 0: default.
    double paneHeight = 0.0;

    LineStyle style(std::size_t index) const { return index < styles.size() ? styles[index] : LineStyle{}; }

    // "SMA(20)": what createFromSpec() accepts.
    QString specText() const;
    // "SMA 20" / "MACD 12 26 9": legend and menu title. A choice parameter by its name and only
    // when it is not the default: "CVD" (no anchor, klines), "CVD day, trades".
    QString title() const;
    // The colour of output `index` (the default palette when none was chosen).
    QColor colour(std::size_t index) const;
    bool operator==(const IndicatorSpec&) const = default;
};

// A choice parameter's value as a title says it ("day", "trades"), translated.
QString choiceTitle(const std::string& choice);

// The reference levels traders expect for an oscillator: RSI 30 / 70, stochastics and MFI
// 20 / 80, Williams %R −80 / −20, CCI −100 / 100; none for others.
std::vector<double> defaultLevels(const QString& name);

// The range an oscillator's values always lie in, shown whole by its pane's scale (RSI and the
// stochastics 0 … 100, Williams %R −100 … 0, Aroon oscillator and CMO −100 … 100); nullopt for
// studies without one (their pane fits the visible values).
struct ValueRange {
    double low = 0;
    double high = 0;
};
std::optional<ValueRange> oscillatorRange(const QString& name);

// Studies computed from the klines' taker buy volume (CVD), and the venues whose klines carry it
// (Binance's 12-field rows; Bybit, OKX and KuCoin give none, which would read as all sells).
bool needsTakerBuyVolume(const QString& name);
bool klinesCarryTakerBuyVolume(const std::string& exchange);

// The parameters traders expect where TA-Lib's defaults differ (Bollinger Bands 20, 2;
// stochastic 14, 3, 3); the registry's defaults elsewhere. `cpc indicator` keeps TA-Lib's.
std::vector<double> traderDefaultParams(const indicators::IndicatorInfo& info);

// A default colour per output index (TradingView-like palette).
QColor defaultIndicatorColour(std::size_t index);
// The spec with defaults for `info` (parameters, colours, placement hint).
IndicatorSpec defaultSpec(const indicators::IndicatorInfo& info);

QString serializeIndicatorSpec(const IndicatorSpec& spec);
// nullopt for text that does not name a known indicator or has bad parameters.
std::optional<IndicatorSpec> parseIndicatorSpec(const QString& text);

}  // namespace cpc::app
