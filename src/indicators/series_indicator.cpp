#include "cpc/indicators/series_indicator.hpp"

namespace cpc::indicators {

SeriesIndicator::SeriesIndicator(std::unique_ptr<Indicator> indicator) : m_indicator(std::move(indicator)) {}

void SeriesIndicator::remember(const market::CandleSeries& series) {
    m_size = series.size();
    m_firstOpen = series.empty() ? 0 : series.openTime(0);
    m_lastOpen = series.empty() ? 0 : series.openTime(series.size() - 1);
    m_revision = series.revision();
    m_synced = true;
}

void SeriesIndicator::recompute(const market::CandleSeries& series) {
    m_indicator->computeAll(toBars(series.candles()));
    remember(series);
}

SeriesIndicator::SyncKind SeriesIndicator::onUpsert(const market::CandleSeries& series, market::UpsertOutcome outcome) {
    using market::UpsertOutcome;
    const bool inStep = m_synced && m_indicator->size() == m_size;
    switch (outcome) {
        case UpsertOutcome::Appended:
            if (inStep && series.size() == m_size + 1) {
                m_indicator->update(toBar(*series.last()), true);
                remember(series);
                return SyncKind::Incremental;
            }
            break;
        case UpsertOutcome::UpdatedLast:
            if (inStep && series.size() == m_size && m_size > 0) {
                m_indicator->update(toBar(*series.last()), false);
                remember(series);
                return SyncKind::Incremental;
            }
            break;
        case UpsertOutcome::Unchanged:
        case UpsertOutcome::IgnoredClosed:
        case UpsertOutcome::Rejected:
            if (inStep) return SyncKind::Unchanged;
            break;
        case UpsertOutcome::Inserted:
        case UpsertOutcome::Replaced:
            break;
    }
    recompute(series);
    return SyncKind::Full;
}

SeriesIndicator::SyncKind SeriesIndicator::sync(const market::CandleSeries& series) {
    if (m_synced && series.revision() == m_revision && series.size() == m_size) return SyncKind::Unchanged;
    const bool grewAtEnd = m_synced && m_size > 0 && m_indicator->size() == m_size && series.size() >= m_size &&
                           series.openTime(0) == m_firstOpen && series.openTime(m_size - 1) == m_lastOpen;
    if (!grewAtEnd) {
        recompute(series);
        return SyncKind::Full;
    }
    m_indicator->update(toBar(series[m_size - 1]), false);
    for (std::size_t i = m_size; i < series.size(); ++i) m_indicator->update(toBar(series[i]), true);
    remember(series);
    return SyncKind::Incremental;
}

}  // namespace cpc::indicators
