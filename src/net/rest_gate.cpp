#include "cpc/net/rest_gate.hpp"

#include <algorithm>
#include <charconv>
#include <iterator>
#include <map>
#include <utility>

#include "cpc/core/arith.hpp"
#include "cpc/core/time.hpp"
#include "cpc/net/http_client.hpp"

namespace cpc::net {

int RestLimits::budget() const {
    return std::max(1, static_cast<int>(static_cast<double>(weightPerWindow) * safetyShare));
}

RestGate::RestGate(RestLimits limits) : m_limits(std::move(limits)) {
    m_limits.window = std::max(m_limits.window, std::chrono::milliseconds(1));
    m_limits.weightPerWindow = std::max(1, m_limits.weightPerWindow);
    m_lanes.push_back(Lane{"", m_limits.budget(), m_limits.window.count(), {}});
    for (EndpointWindow& e : m_limits.endpoints) {
        e.window = std::max(e.window, std::chrono::milliseconds(1));
        e.weightPerWindow = std::max(1, e.weightPerWindow);
        const int budget = std::max(1, static_cast<int>(static_cast<double>(e.weightPerWindow) * m_limits.safetyShare));
        m_lanes.push_back(Lane{e.path, budget, e.window.count(), {}});
    }
}

RestGate::Lane& RestGate::laneOf(std::string_view path) {
    path = path.substr(0, path.find('?'));
    for (std::size_t i = 1; i < m_lanes.size(); ++i)
        if (m_lanes[i].path == path) return m_lanes[i];
    return m_lanes.front();
}

void RestGate::roll(Lane& lane, std::int64_t nowMs) {
    while (!lane.spent.empty() && lane.spent.front().atMs <= nowMs - lane.windowMs) lane.spent.pop_front();
}

void RestGate::rollWindow(std::int64_t venueNowMs) {
    const std::int64_t window = m_limits.window.count();
    if (m_limits.calendarWindow) {
        const std::int64_t start = venueNowMs - floorMod(venueNowMs, window);
        if (start != m_windowStart) {
            m_windowStart = start;
            m_used = 0;
        }
    } else {
        for (Lane& lane : m_lanes) roll(lane, venueNowMs);
    }
}

Error RestGate::banError() const {
    const int status = m_limits.banStatus > 0 ? m_limits.banStatus : 418;
    return makeError("the exchange banned this IP for too many requests (HTTP " + std::to_string(status) + ") until " +
                         formatUtc(m_bannedUntil) + " UTC; no request is sent before then",
                     418);
}

RestGate::Admission RestGate::admit(int weight, std::int64_t nowMs, std::int64_t skewMs, std::string_view path) {
    using std::chrono::milliseconds;
    std::lock_guard lock(m_mutex);
    Admission a;
    if (nowMs < m_bannedUntil) {
        a.refused = banError();
        return a;
    }
    if (nowMs < m_pausedUntil) {
        a.wait = milliseconds(m_pausedUntil - nowMs);
        return a;
    }
    weight = std::max(0, weight);
    // Calendar windows are the venue's (its clock); a sliding window is our own log, kept in
    // local time so a clock sync in between cannot strand old entries.
    const std::int64_t venueNow = m_limits.calendarWindow ? nowMs + skewMs : nowMs;
    rollWindow(venueNow);
    if (m_limits.calendarWindow) {
        const int budget = m_limits.budget();
        // A request heavier than the whole budget still goes, alone, at the start of a window.
        if (m_used > 0 && m_used + weight > budget) {
            // Wait for the venue's next window (+250 ms for clock error) instead of earning a 429.
            a.wait = milliseconds(m_windowStart + m_limits.window.count() - venueNow + 250);
            return a;
        }
        m_used += weight;
        return a;
    }
    // The endpoint's own window where the venue counts it apart, else the host's.
    Lane& lane = laneOf(path);
    const int laneBudget = lane.budget;
    int used = 0;
    for (const Spent& e : lane.spent) used += e.weight;
    if (!lane.spent.empty() && used + weight > laneBudget) {
        // The oldest reservations leave the window first: wait until enough of them have.
        std::int64_t until = lane.spent.front().atMs;
        for (const Spent& e : lane.spent) {
            until = e.atMs;
            used -= e.weight;
            if (used + weight <= laneBudget) break;
        }
        a.wait = milliseconds(std::max<std::int64_t>(1, until + lane.windowMs - venueNow));
        return a;
    }
    a.ticket = m_nextTicket++;
    lane.spent.push_back(Spent{venueNow, weight, a.ticket});
    return a;
}

void RestGate::answered(std::uint64_t ticket, std::int64_t nowMs) {
    std::lock_guard lock(m_mutex);
    if (m_limits.calendarWindow || ticket == 0) return;
    for (Lane& lane : m_lanes) {
        auto& spent = lane.spent;
        const auto it = std::find_if(spent.begin(), spent.end(), [&](const Spent& e) { return e.ticket == ticket; });
        if (it == spent.end()) continue;
        const Spent moved{std::max(it->atMs, nowMs), it->weight, ticket};
        spent.erase(it);
        // Kept in time order: from the back, after every entry not later than it.
        auto at = spent.end();
        while (at != spent.begin() && std::prev(at)->atMs > moved.atMs) --at;
        spent.insert(at, moved);
        return;
    }
    // Not found: already out of the window.
}

void RestGate::reportUsedWeight(int used, std::int64_t nowMs, std::int64_t skewMs) {
    std::lock_guard lock(m_mutex);
    if (!m_limits.calendarWindow) return;  // sliding windows count our own requests
    rollWindow(nowMs + skewMs);
    m_used = std::max(m_used, used);
}

void RestGate::pauseUntil(std::int64_t untilMs) {
    std::lock_guard lock(m_mutex);
    m_pausedUntil = std::max(m_pausedUntil, untilMs);
}

Error RestGate::ban(std::int64_t untilMs) {
    std::lock_guard lock(m_mutex);
    m_bannedUntil = std::max(m_bannedUntil, untilMs);
    return banError();
}

namespace {

std::optional<std::int64_t> parseInt(std::string_view text) {
    while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
    std::int64_t v = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc{} || end == text.data()) return std::nullopt;
    return v;
}

// A wait the venue asked for, in ms: positive and under a week, else none.
std::optional<std::int64_t> plausibleWait(std::optional<std::int64_t> ms) {
    if (!ms || *ms <= 0 || *ms > 7LL * 24 * 3600 * 1000) return std::nullopt;
    return ms;
}

}  // namespace

std::optional<Error> RestGate::noteAnswer(int status, std::string_view retryAfter, std::string_view usedWeight,
                                          std::string_view body, std::int64_t nowMs,
                                          std::optional<std::int64_t> skewMs) {
    const auto seconds = parseInt(retryAfter);
    const bool sane = seconds && *seconds > 0 && *seconds < 7LL * 24 * 3600;
    return note(status, sane ? std::optional<std::int64_t>(*seconds * 1000) : std::nullopt, usedWeight, body, nowMs,
                skewMs);
}

std::optional<Error> RestGate::noteAnswer(const HttpResponse& answer, std::int64_t nowMs,
                                          std::optional<std::int64_t> skewMs) {
    const std::string used = m_limits.usedWeightHeader.empty() ? std::string() : answer.header(m_limits.usedWeightHeader);
    std::optional<std::int64_t> wait;
    if (answer.status == 429 || answer.status == 418 || answer.status == m_limits.banStatus) {
        const auto value = m_limits.waitHeader.empty() ? std::nullopt : parseInt(answer.header(m_limits.waitHeader));
        switch (m_limits.waitKind) {
            case WaitHeader::RetryAfterSeconds:
                if (value && *value < 7LL * 24 * 3600) wait = plausibleWait(*value * 1000);
                break;
            case WaitHeader::MillisecondsLeft: wait = plausibleWait(value); break;
            case WaitHeader::ResetAtVenueMs:
                if (value && skewMs) wait = plausibleWait(*value - *skewMs - nowMs);
                break;
        }
        // A venue's limit resets within its window: a later reset time is a clock offset gone
        // stale, not a reason to stop for longer.
        if (wait && answer.status == 429 && m_limits.waitKind != WaitHeader::RetryAfterSeconds)
            wait = std::min<std::int64_t>(*wait, m_limits.window.count());
        if (!wait && m_limits.waitHeader != "retry-after")
            if (const auto seconds = parseInt(answer.header("retry-after")); seconds && *seconds < 7LL * 24 * 3600)
                wait = plausibleWait(*seconds * 1000);
    }
    return note(answer.status, wait, used, answer.body, nowMs, skewMs);
}

std::optional<Error> RestGate::note(int status, std::optional<std::int64_t> waitMs, std::string_view usedWeight,
                                    std::string_view body, std::int64_t nowMs, std::optional<std::int64_t> skewMs) {
    if (const auto used = parseInt(usedWeight); used && *used >= 0 && *used < (1LL << 31))
        reportUsedWeight(static_cast<int>(*used), nowMs, skewMs.value_or(0));
    if (status == 429) {
        pauseUntil(nowMs + waitMs.value_or(m_limits.window.count()));
        return std::nullopt;
    }
    if (status != 418 && status != m_limits.banStatus) return std::nullopt;
    std::int64_t until = nowMs + m_limits.ban.count();
    constexpr std::string_view marker = "banned until ";
    if (waitMs) {
        until = nowMs + *waitMs;
    } else if (const auto p = body.find(marker); p != std::string_view::npos && skewMs) {
        if (const auto venueUntil = parseInt(body.substr(p + marker.size()))) until = *venueUntil - *skewMs;
    }
    return ban(until);
}

std::int64_t RestGate::bannedUntilMs() const {
    std::lock_guard lock(m_mutex);
    return m_bannedUntil;
}

std::int64_t RestGate::pausedUntilMs() const {
    std::lock_guard lock(m_mutex);
    return m_pausedUntil;
}

int RestGate::usedWeight(std::int64_t nowMs, std::int64_t skewMs) {
    std::lock_guard lock(m_mutex);
    rollWindow(m_limits.calendarWindow ? nowMs + skewMs : nowMs);
    if (m_limits.calendarWindow) return m_used;
    int used = 0;
    for (const Spent& e : m_lanes.front().spent) used += e.weight;
    return used;
}

}  // namespace cpc::net
