#pragma once
// `cpc fetch`'s progress on stderr: on a terminal one bar redrawn in place (pages, candles, rate,
// time left), otherwise one plain line per page that a log or a pipe can keep. Pages may finish
// in any order (several are in flight, newest first), so what is shown is counts, not a position.
#include <cstdint>
#include <functional>
#include <ostream>
#include <string>

namespace cpc::cli {

class FetchProgress {
public:
    // `pages`: pages expected in all (an estimate: a venue's gaps or the forming candle may end a
    // range early); `nowMs`: a monotonic clock in ms (tests pass their own).
    FetchProgress(std::ostream& err, bool terminal, std::string label, std::int64_t pages,
                  std::function<std::int64_t()> nowMs = {});

    // One page answered: `added` candles stored, covering open times [firstOpen, lastOpen].
    void page(std::int64_t added, std::int64_t firstOpen, std::int64_t lastOpen);
    // A line of its own (a wait, a retry); a bar being drawn is ended first.
    void note(const std::string& line);
    // Ends a bar being drawn with a line break.
    void finishLine();
    // More pages than expected turned up (a range asked again).
    void expectMore(std::int64_t pages) { m_pages += pages; }

    std::int64_t pagesDone() const { return m_pagesDone; }
    std::int64_t candles() const { return m_candles; }

private:
    std::int64_t candlesPerSecond(std::int64_t elapsed) const;
    std::string timeLeft(std::int64_t elapsed) const;

    std::ostream& m_err;
    bool m_terminal;
    std::string m_label;
    std::int64_t m_pages;
    std::function<std::int64_t()> m_now;
    std::int64_t m_started;
    std::int64_t m_pagesDone = 0;
    std::int64_t m_candles = 0;
    bool m_drawn = false;
};

// "1:05" (minutes:seconds) below an hour, "1:02:05" above; for the time left.
std::string formatDuration(std::int64_t seconds);

}  // namespace cpc::cli
