#include "cpc/session/indicator_set.hpp"

#include "cpc/indicators/registry.hpp"

namespace cpc::session {

// A recompute of some indicators over a snapshot of the series, on a worker.
struct IndicatorSet::Job {
    std::uint64_t generation = 0;
    const market::CandleSeries* series = nullptr;  // identity only; never read on the worker
    SeriesKey key;
    std::vector<Candle> candles;  // the snapshot
    struct Item {
        std::size_t index = 0;  // into m_entries
        std::unique_ptr<indicators::SeriesIndicator> calc;
    };
    std::vector<Item> items;
    std::function<void()> hook;
};

IndicatorSet::IndicatorSet(Hooks hooks) : m_hooks(std::move(hooks)) {}

IndicatorSet::~IndicatorSet() = default;

void IndicatorSet::compute(Entry& entry) {
    const market::CandleSeries* series = m_hooks.series ? m_hooks.series() : nullptr;
    if (series) entry.calc->recompute(*series);
    else entry.calc->indicator().reset();
    entry.firstOpen = series && !series->empty() ? (*series)[0].openTime : 0;
}

Result<std::size_t> IndicatorSet::add(const std::string& spec) {
    auto made = indicators::createFromSpec(spec);
    if (!made) return made.error();
    ++m_generation;
    auto entry = std::make_unique<Entry>();
    entry->spec = spec;
    entry->calc = std::make_unique<indicators::SeriesIndicator>(std::move(*made));
    compute(*entry);
    m_entries.push_back(std::move(entry));
    return m_entries.size() - 1;
}

Result<Ok> IndicatorSet::replace(std::size_t index, const std::string& spec) {
    if (index >= m_entries.size()) return makeError("no indicator " + std::to_string(index));
    auto made = indicators::createFromSpec(spec);
    if (!made) return made.error();
    ++m_generation;
    Entry& entry = *m_entries[index];
    entry.spec = spec;
    entry.calc = std::make_unique<indicators::SeriesIndicator>(std::move(*made));
    compute(entry);
    return Ok{};
}

bool IndicatorSet::remove(std::size_t index) {
    if (index >= m_entries.size()) return false;
    ++m_generation;
    m_entries.erase(m_entries.begin() + static_cast<std::ptrdiff_t>(index));
    return true;
}

void IndicatorSet::clear() {
    ++m_generation;
    m_entries.clear();
}

void IndicatorSet::reset() {
    ++m_generation;  // a different series: a background result for the old one is stale
    for (std::size_t i = 0; i < m_entries.size(); ++i) {
        compute(*m_entries[i]);
        if (m_hooks.changed) m_hooks.changed(i, 0);
    }
}

void IndicatorSet::update() {
    const market::CandleSeries* series = m_hooks.series ? m_hooks.series() : nullptr;
    if (!series || m_jobRunning) return;  // a running job catches up when it lands
    const std::int64_t first = series->empty() ? 0 : (*series)[0].openTime;
    for (const auto& entry : m_entries)
        if (entry->firstOpen != 0 && first != 0 && first < entry->firstOpen) {
            // Older history was prepended: a full recompute, off the owner thread.
            startJob(*series);
            return;
        }
    for (std::size_t i = 0; i < m_entries.size(); ++i) {
        Entry& entry = *m_entries[i];
        const std::size_t before = entry.calc->indicator().size();
        const auto kind = entry.calc->sync(*series);
        entry.firstOpen = first;
        if (kind == indicators::SeriesIndicator::SyncKind::Unchanged) continue;
        // Incremental: the previously last row was revised and rows were appended — O(1) per tick.
        if (m_hooks.changed)
            m_hooks.changed(i, kind == indicators::SeriesIndicator::SyncKind::Full || before == 0 ? 0 : before - 1);
    }
}

void IndicatorSet::startJob(const market::CandleSeries& series) {
    if (series.empty()) return;
    auto job = std::make_shared<Job>();
    job->generation = m_generation;
    job->series = &series;
    job->key = series.key();
    job->candles.assign(series.candles().begin(), series.candles().end());
    job->hook = m_jobHook;
    for (std::size_t i = 0; i < m_entries.size(); ++i) {
        if (m_entries[i]->firstOpen <= series.candles().front().openTime) continue;  // still in step
        auto made = indicators::createFromSpec(m_entries[i]->spec);
        if (!made) continue;  // it was made from this spec once; cannot fail
        job->items.push_back({i, std::make_unique<indicators::SeriesIndicator>(std::move(*made))});
    }
    m_jobRunning = true;
    // The result comes back through the owner's executor and lands only if this set still exists
    // then (checked on the owner thread, the only one that destroys it).
    Task land = [alive = std::weak_ptr<int>(m_alive), this, job] {
        if (alive.lock()) finishJob(job);
    };
    std::function<void()> work = [job, land = std::move(land), post = m_hooks.post]() mutable {
        if (job->hook) job->hook();
        market::CandleSeries snapshot(job->key);
        snapshot.merge(job->candles);
        for (auto& item : job->items) item.calc->recompute(snapshot);
        if (post) post(std::move(land));
        else land();
    };
    if (m_hooks.run) m_hooks.run(std::move(work));
    else work();
}

void IndicatorSet::finishJob(const std::shared_ptr<Job>& job) {
    m_jobRunning = false;
    const market::CandleSeries* series = m_hooks.series ? m_hooks.series() : nullptr;
    // Only for the same series and indicators, and only if no more history came before it.
    const bool applies = job->generation == m_generation && series == job->series && series && !series->empty() &&
                         (*series)[0].openTime == job->candles.front().openTime;
    if (applies) {
        for (auto& item : job->items) {
            Entry& entry = *m_entries[item.index];
            entry.calc = std::move(item.calc);
            entry.calc->sync(*series);  // the ticks that came meanwhile, incrementally
            entry.firstOpen = (*series)[0].openTime;
            if (m_hooks.changed) m_hooks.changed(item.index, 0);
        }
        ++m_backgroundRecomputes;
    }
    update();  // the others catch up; more history meanwhile starts another job
}

}  // namespace cpc::session
