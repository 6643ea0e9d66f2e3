#include "cpc/indicators/indicator.hpp"

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

}  // namespace cpc::indicators
