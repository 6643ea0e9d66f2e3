#pragma once
// What the user chose for one indicator on a chart: which one, its parameters, a colour per
// output and where it is drawn. Saved per symbol in the settings as one line of text:
//   "SMA(20) overlay #2962ff"     "MACD(12,26,9) pane #2962ff,#ff6d00,#26a69a"
#include <QColor>
#include <QString>
#include <optional>
#include <vector>

#include "cpc/indicators/indicator.hpp"

namespace cpc::app {

struct IndicatorSpec {
    QString name;                 // registry name, upper case: "SMA"
    std::vector<double> params;   // in IndicatorInfo::params order (missing: defaults)
    std::vector<QColor> colours;  // one per output (missing: the default palette)
    indicators::Placement placement = indicators::Placement::Overlay;

    // "SMA(20)": what createFromSpec() accepts.
    QString specText() const;
    // "SMA 20" / "MACD 12 26 9": legend and menu title.
    QString title() const;
    // The colour of output `index` (the default palette when none was chosen).
    QColor colour(std::size_t index) const;
    bool operator==(const IndicatorSpec&) const = default;
};

// A default colour per output index (TradingView-like palette).
QColor defaultIndicatorColour(std::size_t index);
// The spec with defaults for `info` (parameters, colours, placement hint).
IndicatorSpec defaultSpec(const indicators::IndicatorInfo& info);

QString serializeIndicatorSpec(const IndicatorSpec& spec);
// nullopt for text that does not name a known indicator or has bad parameters.
std::optional<IndicatorSpec> parseIndicatorSpec(const QString& text);

}  // namespace cpc::app
