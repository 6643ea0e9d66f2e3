#include "cpc/chart_qt/qt_text_measurer.hpp"

#include <QString>
#include <cmath>

namespace cpc::chart_qt {

QtTextMeasurer::QtTextMeasurer(const QFont& regular, const QFont& bold)
    : m_metrics{QFontMetricsF(regular), QFontMetricsF(bold)},
      m_lineHeight(std::ceil(m_metrics[0].height())) {}

double QtTextMeasurer::textWidth(std::string_view text, chart::FontRole role) const {
    const auto slot = role == chart::FontRole::Bold ? std::size_t{1} : std::size_t{0};
    auto& cache = m_cache[slot];
    if (const auto it = cache.find(text); it != cache.end()) return it->second;
    if (cache.size() >= kMaxCached) cache.clear();  // labels drift with the data; start over
    const double w = m_metrics[slot].horizontalAdvance(
        QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size())));
    cache.emplace(std::string(text), w);
    return w;
}

}  // namespace cpc::chart_qt
