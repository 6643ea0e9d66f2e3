#include "cpc/indicators/indicator.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>

namespace cpc::indicators {

std::string_view toString(IndicatorGroup group) {
    switch (group) {
        case IndicatorGroup::Overlap: return "Overlap Studies";
        case IndicatorGroup::Momentum: return "Momentum Indicators";
        case IndicatorGroup::Volume: return "Volume Indicators";
        case IndicatorGroup::Volatility: return "Volatility Indicators";
        case IndicatorGroup::PriceTransform: return "Price Transform";
        case IndicatorGroup::Statistic: return "Statistic Functions";
        case IndicatorGroup::MathOperator: return "Math Operators";
        case IndicatorGroup::ChartStudy: return "Chart Studies";
        case IndicatorGroup::Cycle: return "Cycle Indicators";
    }
    return "Unknown";
}

Indicator::Indicator(const IndicatorInfo& info, std::vector<double> params)
    : m_columns(info.outputs.size()), m_info(&info), m_params(std::move(params)) {
    for (const auto& o : info.outputs) m_plotOffsets.push_back(o.plotOffset);
}

std::optional<std::size_t> Indicator::outputIndex(std::string_view name) const {
    for (std::size_t i = 0; i < m_info->outputs.size(); ++i) {
        if (m_info->outputs[i].name == name) return i;
    }
    return std::nullopt;
}

double Indicator::value(std::size_t outputIdx, std::size_t row) const {
    if (outputIdx >= m_columns.size() || row >= m_rows) return std::numeric_limits<double>::quiet_NaN();
    return m_columns[outputIdx][row];
}

void placeOutput(std::vector<double>& dst, const Indicator& ind, std::size_t output, std::size_t bars,
                 std::size_t fromRow) {
    constexpr double nan = std::numeric_limits<double>::quiet_NaN();
    const int offset = ind.plotOffset(output);
    const std::size_t slots = bars + static_cast<std::size_t>(std::max(offset, 0));
    if (dst.size() > slots) fromRow = 0;  // shrunk: redo everything
    // A new row moves the future slots along; rewrite the rows whose slots may have held a value
    // of another row (after a shrink or an offset change) — cheap, |offset| rows.
    const auto shift = static_cast<std::size_t>(offset < 0 ? -offset : offset);
    fromRow = fromRow > shift ? fromRow - shift : 0;
    dst.resize(slots, nan);
    if (fromRow == 0) std::fill(dst.begin(), dst.end(), nan);
    const auto col = ind.output(output);
    const auto n = static_cast<std::int64_t>(slots);
    for (std::size_t row = fromRow; row < col.size(); ++row) {
        const std::int64_t at = static_cast<std::int64_t>(row) + offset;
        if (at >= 0 && at < n) dst[static_cast<std::size_t>(at)] = col[row];
    }
    // A negative offset leaves the last |offset| slots without a value.
    if (offset < 0)
        for (std::int64_t at = std::max<std::int64_t>(0, n + offset); at < n; ++at) dst[static_cast<std::size_t>(at)] = nan;
}

}  // namespace cpc::indicators
