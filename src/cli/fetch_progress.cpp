#include "fetch_progress.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <utility>

#include "cpc/core/time.hpp"

namespace cpc::cli {

namespace {

std::int64_t steadyMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

}  // namespace

std::string formatDuration(std::int64_t seconds) {
    seconds = std::max<std::int64_t>(0, seconds);
    char text[32];
    if (seconds >= 3600)
        std::snprintf(text, sizeof text, "%lld:%02lld:%02lld", static_cast<long long>(seconds / 3600),
                      static_cast<long long>(seconds / 60 % 60), static_cast<long long>(seconds % 60));
    else
        std::snprintf(text, sizeof text, "%lld:%02lld", static_cast<long long>(seconds / 60),
                      static_cast<long long>(seconds % 60));
    return text;
}

FetchProgress::FetchProgress(std::ostream& err, bool terminal, std::string label, std::int64_t pages,
                             std::function<std::int64_t()> nowMs)
    : m_err(err), m_terminal(terminal), m_label(std::move(label)), m_pages(std::max<std::int64_t>(pages, 1)),
      m_now(nowMs ? std::move(nowMs) : std::function<std::int64_t()>(steadyMs)), m_started(m_now()) {}

std::int64_t FetchProgress::candlesPerSecond(std::int64_t elapsed) const {
    return elapsed > 0 ? m_candles * 1000 / elapsed : 0;
}

// From the pages still expected at the pace so far; "?" before there is a pace.
std::string FetchProgress::timeLeft(std::int64_t elapsed) const {
    if (m_pagesDone == 0 || elapsed <= 0) return "?";
    const std::int64_t left = std::max<std::int64_t>(0, m_pages - m_pagesDone);
    return formatDuration((left * elapsed / m_pagesDone + 999) / 1000);
}

void FetchProgress::page(std::int64_t added, std::int64_t firstOpen, std::int64_t lastOpen) {
    ++m_pagesDone;
    m_pages = std::max(m_pages, m_pagesDone);
    m_candles += added;
    const std::int64_t elapsed = m_now() - m_started;
    const std::string rate = std::to_string(candlesPerSecond(elapsed)) + " candles/s";
    if (!m_terminal) {
        m_err << "cpc fetch: " << m_label << ": page " << m_pagesDone << '/' << m_pages << " (" << formatUtc(firstOpen)
              << " to " << formatUtc(lastOpen) << "), " << m_candles << " candles so far, " << rate << ", "
              << timeLeft(elapsed) << " left\n";
        return;
    }
    const std::int64_t pct = m_pagesDone * 100 / m_pages;
    constexpr int kWidth = 30;
    const auto filled = static_cast<std::size_t>(pct * kWidth / 100);
    // \x1b[K clears what a longer earlier line left at the end.
    m_err << '\r' << m_label << " [" << std::string(filled, '#') << std::string(kWidth - filled, '.') << "] " << pct
          << "% " << m_pagesDone << '/' << m_pages << " pages, " << m_candles << " candles, " << rate << ", ETA "
          << timeLeft(elapsed) << "\x1b[K" << std::flush;
    m_drawn = true;
}

void FetchProgress::note(const std::string& line) {
    finishLine();
    m_err << "cpc fetch: " << line << '\n';
}

void FetchProgress::finishLine() {
    if (m_drawn) m_err << '\n';
    m_drawn = false;
}

}  // namespace cpc::cli
