#pragma once
// VenueRest = the one REST client of a venue host (one per host in a process, from
// session::MarketSession; feeds and sessions given none make their own). Every request to the host
// goes through it: the host's RestGate (weight budget, 429 pause, 418 ban) is waited on before a
// request goes out and told what each answer says; a 429 is retried once the gate allows; the
// venue clock's offset, measured once for the host, is what every user reads (venueNowMs()).
// Kept-alive connections are pooled, so concurrent requests each get one and a later request
// reuses them.
//
// CancelScope = cancellation by structure, not by generation numbers: every sleep and every
// request of a job runs in the job's scope; cancel() wakes the sleeps and closes the connections,
// and from then on each awaits returns "cancelled" at once. A series, a scroll-back job, a
// connection's run each own one; dropping the work is cancelling its scope. Coroutines hold their
// scope (a shared_ptr) while they sleep or request in it. A scope's children (child()) end with it:
// a connection's connects each run in a child of the connection's scope, so ending one connect or
// the whole session is one cancel().
// Network thread only (the io_context's), except venueNowMs() / clockOffsetMs() / gate().
#include <atomic>
#include <chrono>
#include <functional>
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "cpc/core/result.hpp"
#include "cpc/exchange/exchange_adapter.hpp"
#include "cpc/net/http_client.hpp"
#include "cpc/net/rest_gate.hpp"
#include "cpc/net/tls.hpp"
#include "cpc/session/wire_tap.hpp"

namespace cpc::session {

class CancelScope {
public:
    explicit CancelScope(boost::asio::io_context& io) : m_io(io) {}
    CancelScope(const CancelScope&) = delete;
    CancelScope& operator=(const CancelScope&) = delete;

    bool cancelled() const { return m_cancelled; }
    // Wakes every sleep and closes every connection of the scope and of its children; later sleeps
    // and requests in them end at once.
    void cancel();
    // A scope cancelled with this one (at once if this one is cancelled already), and on its own.
    std::shared_ptr<CancelScope> child();
    // true after the full delay; false when the scope was (or gets) cancelled.
    boost::asio::awaitable<bool> sleep(std::chrono::milliseconds delay);
    // A connection the scope closes on cancel() while it is attached.
    void attach(const std::shared_ptr<net::HttpClient>& client) { m_clients.insert(client); }
    void detach(const std::shared_ptr<net::HttpClient>& client) { m_clients.erase(client); }

private:
    boost::asio::io_context& m_io;
    bool m_cancelled = false;
    std::set<std::shared_ptr<boost::asio::steady_timer>> m_timers;
    std::set<std::shared_ptr<net::HttpClient>> m_clients;
    std::vector<std::weak_ptr<CancelScope>> m_children;
};

struct VenueRestConfig {
    net::TlsOptions tls;
    std::chrono::milliseconds requestTimeout{15000};
    // The host's limits, shared with whatever else talks to it; null: a gate of its own with the
    // venue's restRateLimit() (weightOverride > 0 replaces its weight; safetyShare of it is spent).
    std::shared_ptr<net::RestGate> gate;
    int weightOverride = 0;
    double safetyShare = 0.8;
    // Told the answer of every request (a recorder: backfills and book snapshots are part of the
    // record); null: nothing is copied.
    std::shared_ptr<WireTap> tap;
    // A replay's client (StreamSessionConfig::replay): nothing is ever sent to the venue; every
    // request fails at once saying so (a replay reads the record and the cache, never the venue).
    bool offline = false;
};

// What a caller counts of its own requests (a feed's stats).
struct RestTally {
    std::uint64_t sent = 0;  // HTTP requests that went out
    std::uint64_t bans = 0;  // 418 (ban) answers among them
};
enum class RestOnBan {
    Fail,     // an IP ban (before sending, or answered) is the result: Error code 418, until when
    WaitOut,  // an IP ban is waited out (reported through `banned` once)
};
struct RestOptions {
    RestOnBan onBan = RestOnBan::Fail;
    bool skipWhenLimited = false;  // the gate says wait: give up at once ("rate-limited", 429)
    RestTally* tally = nullptr;
    std::string* banned = nullptr;  // WaitOut: the ban's message, when one was waited out
    // Told each wait in words ("request weight 4900/6000 used; waiting 12 s", "rate limited (HTTP
    // 429); waiting 3 s as asked"): a command's progress line. (Pointers: an Options temporary in
    // a co_await expression must be trivially destructible for GCC 12.)
    const std::function<void(const std::string&)>* progress = nullptr;
    int maxSends = 4;  // sends of one request at most (a 429 answer is sent again)
    std::int64_t* sentAtMs = nullptr;  // set to when the send that got the answer went out (local ms)
};

class VenueRest {
public:
    VenueRest(boost::asio::io_context& io, std::shared_ptr<const exchange::ExchangeAdapter> adapter,
              VenueRestConfig config);
    ~VenueRest();
    VenueRest(const VenueRest&) = delete;
    VenueRest& operator=(const VenueRest&) = delete;

    const std::shared_ptr<net::RestGate>& gate() const { return m_gate; }
    // Local time plus the measured offset (the local time until one was measured).
    std::int64_t venueNowMs() const;
    std::optional<std::int64_t> clockOffsetMs() const;

    using Tally = RestTally;
    using OnBan = RestOnBan;
    using Options = RestOptions;

    // One request through the gate: sent once the gate allows (a 429 answer retried, at most
    // Options::maxSends sends); a non-2xx answer other than 429 / a ban is returned for the caller's codec to read.
    // Errors: the URL, TLS, the network, a ban (OnBan::Fail), "cancelled" (the scope).
    boost::asio::awaitable<Result<net::HttpResponse>> send(exchange::HttpRequest request, CancelScope& scope,
                                                           Options options);
    boost::asio::awaitable<Result<net::HttpResponse>> send(const exchange::RestRequest& request, CancelScope& scope,
                                                           Options options = {});
    // Measures the venue clock's offset (its server time against the request's midpoint); every
    // user of the host reads it from then on.
    boost::asio::awaitable<Result<std::int64_t>> syncClock(CancelScope& scope, Options options = {});
    // The venue's time `venueMs` read from an answer to a request sent at local `sentAtMs` and
    // received now (a caller that asked for the time itself, with retries of its own): the same
    // measurement as syncClock's.
    void recordClock(std::int64_t venueMs, std::int64_t sentAtMs);
    // Whether requests can be made at all: an Error when the TLS setup failed (kept, not retried).
    Result<Ok> ready();

private:
    boost::asio::awaitable<Result<net::HttpResponse>> gated(const exchange::HttpRequest& request, CancelScope& scope,
                                                            const Options& options, std::int64_t* sentAtMs);
    void tapAnswer(const exchange::HttpRequest& request, const Result<net::HttpResponse>& answer) const;
    boost::asio::awaitable<Result<net::HttpResponse>> once(const exchange::HttpRequest& request, CancelScope& scope);
    std::shared_ptr<net::HttpClient> takeClient();
    Result<std::shared_ptr<boost::asio::ssl::context>> tls();

    boost::asio::io_context& m_io;
    std::shared_ptr<const exchange::ExchangeAdapter> m_adapter;
    VenueRestConfig m_config;
    std::shared_ptr<net::RestGate> m_gate;
    std::shared_ptr<boost::asio::ssl::context> m_tls;
    std::string m_tlsError;
    std::vector<std::shared_ptr<net::HttpClient>> m_idle;  // kept-alive connections not in use
    std::atomic<std::int64_t> m_offsetMs{0};
    std::atomic<bool> m_synced{false};
};

}  // namespace cpc::session
