#pragma once
// chart::TextMeasurer over QFontMetricsF, with a width cache (lightweight-charts'
// text-width-cache): axis labels repeat every frame, and measuring is the slow part of text.
#include <QFont>
#include <QFontMetricsF>
#include <array>
#include <string>
#include <string_view>
#include <unordered_map>

#include "cpc/chart/text_measurer.hpp"

namespace cpc::chart_qt {

class QtTextMeasurer final : public chart::TextMeasurer {
public:
    QtTextMeasurer(const QFont& regular, const QFont& bold);

    double textWidth(std::string_view text,
                     chart::FontRole role = chart::FontRole::Regular) const override;
    double lineHeight() const override { return m_lineHeight; }

private:
    struct Hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
    };
    static constexpr std::size_t kMaxCached = 4096;

    std::array<QFontMetricsF, 2> m_metrics;
    double m_lineHeight = 0;
    mutable std::array<std::unordered_map<std::string, double, Hash, std::equal_to<>>, 2> m_cache;
};

}  // namespace cpc::chart_qt
