#include "cpc/session/venue_rest.hpp"

#include <algorithm>
#include <utility>

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "coroutine_tracker.hpp"
#include "cpc/core/time.hpp"
#include "cpc/session/venue_rest_gate.hpp"

namespace cpc::session {

namespace asio = boost::asio;
using asio::awaitable;
using std::chrono::milliseconds;

void CancelScope::cancel() {
    m_cancelled = true;
    for (const auto& t : m_timers) t->cancel();
    for (const auto& c : m_clients) c->close();
    for (const auto& weak : std::exchange(m_children, {}))
        if (auto child = weak.lock()) child->cancel();
}

std::shared_ptr<CancelScope> CancelScope::child() {
    auto scope = std::make_shared<CancelScope>(m_io);
    if (m_cancelled) {
        scope->m_cancelled = true;
        return scope;
    }
    std::erase_if(m_children, [](const std::weak_ptr<CancelScope>& w) { return w.expired(); });
    m_children.push_back(scope);
    return scope;
}

awaitable<bool> CancelScope::sleep(milliseconds delay) {
    if (m_cancelled) co_return false;
    auto timer = std::make_shared<asio::steady_timer>(m_io, delay);
    m_timers.insert(timer);
    boost::system::error_code ec;
    co_await timer->async_wait(asio::redirect_error(asio::use_awaitable, ec));
    m_timers.erase(timer);
    co_return !ec && !m_cancelled;
}

VenueRest::VenueRest(asio::io_context& io, std::shared_ptr<const exchange::ExchangeAdapter> adapter,
                     VenueRestConfig config)
    : m_io(io), m_adapter(std::move(adapter)), m_config(std::move(config)) {
    m_gate = m_config.gate ? m_config.gate : venueRestGate(*m_adapter, m_config.weightOverride, m_config.safetyShare);
}

VenueRest::~VenueRest() = default;

std::int64_t VenueRest::venueNowMs() const { return nowMs() + m_offsetMs.load(); }

std::optional<std::int64_t> VenueRest::clockOffsetMs() const {
    if (!m_synced.load()) return std::nullopt;
    return m_offsetMs.load();
}

Result<std::shared_ptr<asio::ssl::context>> VenueRest::tls() {
    if (!detail::ensureTlsContext(m_config.tls, m_tls, m_tlsError)) return makeError("TLS setup failed: " + m_tlsError);
    return m_tls;
}

std::shared_ptr<net::HttpClient> VenueRest::takeClient() {
    std::shared_ptr<net::HttpClient> client;
    if (!m_idle.empty()) {
        client = std::move(m_idle.back());
        m_idle.pop_back();
    } else {
        client = std::make_shared<net::HttpClient>(m_io, m_tls, m_config.requestTimeout);
    }
    return client;
}

awaitable<Result<net::HttpResponse>> VenueRest::once(const exchange::HttpRequest& request, CancelScope& scope) {
    // (Said without the request: it reaches the user, e.g. under a footprint's history.)
    if (m_config.offline)
        co_return makeError("a replay asks the venue nothing: before the recording there is only what the cache holds");
    auto base = net::Url::parse(m_adapter->endpoints().restBase);
    if (!base) co_return base.error();
    if (auto t = tls(); !t) co_return t.error();
    auto client = takeClient();
    scope.attach(client);
    std::string target = request.target;
    Result<net::HttpResponse> r = makeError("not sent");
    if (request.method == "POST") {
        std::string body = request.body;
        r = co_await client->post(*base, std::move(target), std::move(body));
    } else {
        r = co_await client->get(*base, std::move(target));
    }
    scope.detach(client);
    // A connection the scope closed is not kept; a few idle ones are.
    if (!scope.cancelled() && m_idle.size() < 4) m_idle.push_back(std::move(client));
    co_return r;
}

awaitable<Result<net::HttpResponse>> VenueRest::send(exchange::HttpRequest request, CancelScope& scope,
                                                     Options options) {
    auto r = co_await gated(request, scope, options, nullptr);
    tapAnswer(request, r);
    co_return r;
}

void VenueRest::tapAnswer(const exchange::HttpRequest& request, const Result<net::HttpResponse>& answer) const {
    if (!m_config.tap) return;
    // Nothing went out (the job was cancelled, the gate said wait): no answer to record.
    if (!answer && (answer.error().message == "cancelled" || answer.error().message == "rate-limited")) return;
    if (answer) m_config.tap->rest(request.method, request.target, answer->status, answer->body);
    else m_config.tap->rest(request.method, request.target, 0, answer.error().message);
}

awaitable<Result<net::HttpResponse>> VenueRest::gated(const exchange::HttpRequest& request, CancelScope& scope,
                                                      const Options& options, std::int64_t* sentAtMs) {
    const auto cancelled = [] { return makeError("cancelled"); };
    bool banReported = false;
    int sends = 0;
    for (; sends < std::max(1, options.maxSends); ++sends) {
        // Nothing goes out before the gate allows: the budget has room, no 429 pause holds and no
        // ban (Binance bans clients that keep sending after a 429).
        std::uint64_t ticket = 0;  // the gate's reservation, moved to the answer's time below
        while (true) {
            if (scope.cancelled()) co_return cancelled();
            const net::RestGate::Admission a = m_gate->admit(request.weight, nowMs(), m_offsetMs.load(), request.target);
            if (a.go()) {
                ticket = a.ticket;
                break;
            }
            milliseconds wait = a.wait;
            if (a.refused) {
                if (options.onBan == OnBan::Fail) co_return *a.refused;
                if (options.banned && !banReported) *options.banned = a.refused->message;
                banReported = true;
                wait = milliseconds(std::max<std::int64_t>(1, m_gate->bannedUntilMs() - nowMs()));
            } else if (options.skipWhenLimited) {
                co_return makeError("rate-limited", 429);
            } else if (options.progress && m_gate->pausedUntilMs() <= nowMs()) {
                (*options.progress)("request weight " + std::to_string(m_gate->usedWeight(nowMs())) + "/" +
                                    std::to_string(m_gate->limits().weightPerWindow) + " used; waiting " +
                                    std::to_string((wait.count() + 999) / 1000) + " s");
            }
            if (!co_await scope.sleep(wait + milliseconds(1))) co_return cancelled();
        }
        if (sentAtMs) *sentAtMs = nowMs();
        if (options.sentAtMs) *options.sentAtMs = nowMs();
        auto r = co_await once(request, scope);
        m_gate->answered(ticket, nowMs());
        if (scope.cancelled()) co_return cancelled();
        if (options.tally) ++options.tally->sent;
        if (!r) co_return r.error();
        if (auto banned = m_gate->noteAnswer(*r, nowMs(), clockOffsetMs())) {
            if (options.tally) ++options.tally->bans;
            if (options.onBan == OnBan::Fail) co_return *banned;
            continue;  // waited out above
        }
        if (r->status == 429) {  // the gate holds every request until the venue's wait ends
            if (options.progress && sends + 1 < options.maxSends) {
                const std::int64_t wait = std::max<std::int64_t>(0, m_gate->pausedUntilMs() - nowMs());
                (*options.progress)("rate limited (HTTP 429); waiting " + std::to_string((wait + 999) / 1000) +
                                    " s as asked");
            }
            continue;
        }
        co_return r;
    }
    co_return makeError("still rate limited (HTTP 429) after " + std::to_string(sends) + " attempts", 429);
}

awaitable<Result<net::HttpResponse>> VenueRest::send(const exchange::RestRequest& request, CancelScope& scope,
                                                     Options options) {
    // Named before co_await: GCC 12 destroys a temporary with a destructor inside a co_await
    // expression twice.
    const exchange::HttpRequest get{"GET", request.target, "", request.weight};
    auto r = co_await gated(get, scope, options, nullptr);
    tapAnswer(get, r);
    co_return r;
}

awaitable<Result<std::int64_t>> VenueRest::syncClock(CancelScope& scope, Options options) {
    const exchange::RestRequest time = m_adapter->serverTimeRequest();
    std::int64_t sentAt = 0;  // of the send that got the answer (not of the wait for the gate)
    const exchange::HttpRequest get{"GET", time.target, "", time.weight};
    auto r = co_await gated(get, scope, options, &sentAt);
    tapAnswer(get, r);
    if (!r) co_return r.error();
    auto t = m_adapter->parseServerTime(r->body, r->status);
    if (!t) co_return t.error();
    recordClock(*t, sentAt);
    co_return m_offsetMs.load();
}

void VenueRest::recordClock(std::int64_t venueMs, std::int64_t sentAtMs) {
    m_offsetMs = venueMs - (sentAtMs + nowMs()) / 2;
    m_synced = true;
}

Result<Ok> VenueRest::ready() {
    if (auto t = tls(); !t) return t.error();
    return Ok{};
}

}  // namespace cpc::session
