#pragma once
// The indicators shown over one chart's series, kept in step with it (Qt-free; driven on the
// owner thread, the GUI thread in the app):
//   - add / replace / remove indicators made from their spec text ("SMA(20)"), each computed over
//     the current series at once;
//   - update(): after the series changed, each indicator follows incrementally (the revised last
//     row and the appended ones, O(1) per tick); when older history was prepended, a full
//     recompute runs as a background job on a worker over a snapshot of the series, while the
//     indicators keep their old rows;
//   - a job's result comes back through the owner's executor (the app: the controller's inbox,
//     in order with the feed's events) and is applied only if the same series is still shown,
//     with the same indicators, and no more history came before it; otherwise it is dropped and
//     the indicators catch up again.
// Whoever draws the indicators hears which rows changed (Hooks::changed) — except for add() and
// replace(), whose caller draws the new indicator itself.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "cpc/core/result.hpp"
#include "cpc/indicators/indicator.hpp"
#include "cpc/indicators/series_indicator.hpp"
#include "cpc/market/candle_series.hpp"
#include "cpc/session/inbox.hpp"

namespace cpc::session {

class IndicatorSet {
public:
    // Runs a job off the owner thread (the app: a thread pool).
    using Runner = std::function<void(std::function<void()>)>;
    struct Hooks {
        // The series the indicators are over now (null: none). Asked on every call and when a
        // job lands, so a series that is no longer shown is never touched.
        std::function<const market::CandleSeries*()> series;
        // Back to the owner thread, from the worker (required with `run`; without both, the job
        // runs and lands at once on the calling thread).
        Executor post;
        Runner run;
        // Indicator `index`'s rows changed from `fromRow` on (0: all of them).
        std::function<void(std::size_t index, std::size_t fromRow)> changed;
    };

    explicit IndicatorSet(Hooks hooks);
    // A job still running finishes on its worker; its result is dropped.
    ~IndicatorSet();
    IndicatorSet(const IndicatorSet&) = delete;
    IndicatorSet& operator=(const IndicatorSet&) = delete;

    // Adds the indicator `spec` names (indicators::createFromSpec), computed over the current
    // series; its index. An error (nothing added) says what is wrong with the spec.
    Result<std::size_t> add(const std::string& spec);
    // Replaces indicator `index` by the one `spec` names, computed over the current series. An
    // error leaves it unchanged.
    Result<Ok> replace(std::size_t index, const std::string& spec);
    bool remove(std::size_t index);
    void clear();

    std::size_t size() const { return m_entries.size(); }
    // The computed indicator (rows index-aligned with the series); index < size().
    const indicators::Indicator& indicator(std::size_t index) const { return m_entries.at(index)->calc->indicator(); }
    // Its spec text as given to add() / replace().
    const std::string& spec(std::size_t index) const { return m_entries.at(index)->spec; }

    // Another series is shown (or the same one was reloaded): every indicator is recomputed over
    // it and reported whole; a job for the old one is now stale.
    void reset();
    // The series changed: every indicator follows it incrementally, or — older history was
    // prepended — a background recompute starts (at most one job runs; one landing catches up
    // with whatever came meanwhile).
    void update();

    bool jobRunning() const { return m_jobRunning; }
    // Background results applied so far (stale ones are not counted).
    std::uint64_t backgroundRecomputes() const { return m_backgroundRecomputes; }
    // Tests: runs on the worker before a job computes (to hold it while the chart changes).
    void setJobHook(std::function<void()> hook) { m_jobHook = std::move(hook); }

private:
    struct Entry {
        std::string spec;
        std::unique_ptr<indicators::SeriesIndicator> calc;
        std::int64_t firstOpen = 0;  // open time of the first candle its rows start at (0: none)
    };
    struct Job;
    void compute(Entry& entry);  // over the current series, from scratch
    void startJob(const market::CandleSeries& series);
    void finishJob(const std::shared_ptr<Job>& job);

    Hooks m_hooks;
    std::vector<std::unique_ptr<Entry>> m_entries;
    std::uint64_t m_generation = 0;  // bumps when the indicator list or the series changes
    bool m_jobRunning = false;
    std::uint64_t m_backgroundRecomputes = 0;
    std::function<void()> m_jobHook;
    std::shared_ptr<int> m_alive = std::make_shared<int>(0);  // a landing job checks this still exists
};

}  // namespace cpc::session
