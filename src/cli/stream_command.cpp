// `cpc stream`: prints a symbol's live Binance market streams as JSON lines on stdout; connection
// state and reconnects (Backoff with jitter, idle watchdog) on stderr; exits 0 on SIGINT/SIGTERM,
// after --max-events events or after --seconds seconds, closing the WebSocket gracefully.
#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <future>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <nlohmann/json.hpp>

#include "command.hpp"
#include "cpc/exchange/binance/binance_adapter.hpp"
#include "cpc/net/backoff.hpp"
#include "cpc/net/io_thread.hpp"
#include "cpc/net/tls.hpp"
#include "cpc/net/url.hpp"
#include "cpc/net/ws_client.hpp"

namespace cpc::cli {

namespace {

namespace asio = boost::asio;
using json = nlohmann::ordered_json;
using exchange::StreamKind;
using exchange::StreamSpec;
using Clock = std::chrono::steady_clock;

constexpr const char* kName = "cpc stream";

std::string acceptedStreamsText() {
    return "kline_<interval> (interval: " + acceptedIntervalsText() +
           "), trade, aggTrade, depth, depth@100ms, depth5, depth10, depth20, bookTicker, ticker, miniTicker";
}

std::optional<StreamSpec> parseStreamToken(const std::string& token, const std::string& symbol) {
    StreamSpec spec;
    spec.symbol = symbol;
    if (token.starts_with("kline_")) {
        const auto interval = parseInterval(std::string_view(token).substr(6));
        if (!interval) return std::nullopt;
        spec.kind = StreamKind::Kline;
        spec.interval = *interval;
    } else if (token == "trade") {
        spec.kind = StreamKind::Trade;
    } else if (token == "aggTrade") {
        spec.kind = StreamKind::AggTrade;
    } else if (token == "depth" || token == "depth@100ms") {
        spec.kind = StreamKind::Depth;
    } else if (token == "depth5" || token == "depth10" || token == "depth20") {
        spec.kind = StreamKind::PartialDepth;
        spec.depthLevels = std::stoi(token.substr(5));
    } else if (token == "bookTicker") {
        spec.kind = StreamKind::BookTicker;
    } else if (token == "ticker") {
        spec.kind = StreamKind::Ticker;
    } else if (token == "miniTicker") {
        spec.kind = StreamKind::MiniTicker;
    } else {
        return std::nullopt;
    }
    return spec;
}

// Longest silence (no frame, no ping) we accept on a healthy connection carrying these streams:
// the most talkative stream bounds it. Trades may pause on a quiet market, but Binance pings
// every 20 s.
std::chrono::milliseconds defaultIdleTimeout(const exchange::BinanceAdapter& adapter,
                                             const std::vector<StreamSpec>& specs) {
    std::chrono::milliseconds timeout = std::chrono::seconds(60);
    for (const StreamSpec& s : specs) {
        std::chrono::milliseconds t = std::chrono::seconds(30);
        if (s.kind == StreamKind::Kline) t = adapter.streamIdleTimeout(s.interval);
        if (s.kind == StreamKind::Trade || s.kind == StreamKind::AggTrade) t = std::chrono::seconds(60);
        timeout = std::min(timeout, t);
    }
    return timeout;
}

json levelsJson(const std::vector<exchange::PriceLevel>& levels) {
    json a = json::array();
    for (const auto& l : levels) a.push_back(json::array({l.price.toString(), l.quantity.toString()}));
    return a;
}

// One event as one JSON object; nullopt for events that are not market data.
std::optional<json> eventJson(const exchange::StreamEvent& event) {
    json j;
    if (const auto* k = std::get_if<exchange::KlineUpdate>(&event)) {
        const Candle& c = k->candle;
        j["type"] = "kline";
        j["symbol"] = k->key.symbol;
        j["interval"] = std::string(toString(k->key.interval));
        j["eventTime"] = k->eventTimeMs;
        j["openTime"] = c.openTime;
        j["closeTime"] = closeTime(k->key.interval, c.openTime);
        j["open"] = c.open.toString();
        j["high"] = c.high.toString();
        j["low"] = c.low.toString();
        j["close"] = c.close.toString();
        j["volume"] = c.volume.toString();
        j["quoteVolume"] = c.quoteVolume.toString();
        j["trades"] = c.trades;
        j["takerBuyBase"] = c.takerBuyBase.toString();
        j["takerBuyQuote"] = c.takerBuyQuote.toString();
        j["closed"] = c.closed;
        return j;
    }
    if (const auto* t = std::get_if<exchange::TradeTick>(&event)) {
        j["type"] = t->aggregate ? "aggTrade" : "trade";
        j["symbol"] = t->symbol;
        j["eventTime"] = t->eventTimeMs;
        j["time"] = t->timeMs;
        j["id"] = t->tradeId;
        if (t->aggregate) {
            j["firstTradeId"] = t->firstTradeId;
            j["lastTradeId"] = t->lastTradeId;
        }
        j["price"] = t->price.toString();
        j["quantity"] = t->quantity.toString();
        j["buyerIsMaker"] = t->buyerIsMaker;
        return j;
    }
    if (const auto* d = std::get_if<exchange::DepthUpdate>(&event)) {
        j["type"] = "depthUpdate";
        j["symbol"] = d->symbol;
        j["eventTime"] = d->eventTimeMs;
        j["firstUpdateId"] = d->firstUpdateId;
        j["finalUpdateId"] = d->finalUpdateId;
        j["bids"] = levelsJson(d->bids);
        j["asks"] = levelsJson(d->asks);
        return j;
    }
    if (const auto* s = std::get_if<exchange::DepthSnapshot>(&event)) {
        j["type"] = "depth";
        j["symbol"] = s->symbol;
        j["lastUpdateId"] = s->lastUpdateId;
        j["bids"] = levelsJson(s->bids);
        j["asks"] = levelsJson(s->asks);
        return j;
    }
    if (const auto* b = std::get_if<exchange::BookTicker>(&event)) {
        j["type"] = "bookTicker";
        j["symbol"] = b->symbol;
        j["updateId"] = b->updateId;
        j["bidPrice"] = b->bidPrice.toString();
        j["bidQuantity"] = b->bidQuantity.toString();
        j["askPrice"] = b->askPrice.toString();
        j["askQuantity"] = b->askQuantity.toString();
        return j;
    }
    if (const auto* t = std::get_if<exchange::Ticker24h>(&event)) {
        j["type"] = t->mini ? "miniTicker" : "ticker";
        j["symbol"] = t->symbol;
        j["eventTime"] = t->eventTimeMs;
        if (!t->mini) {
            j["priceChange"] = t->priceChange.toString();
            j["priceChangePercent"] = t->priceChangePercent.toString();
            j["weightedAvgPrice"] = t->weightedAvgPrice.toString();
        }
        j["lastPrice"] = t->lastPrice.toString();
        if (!t->mini) {
            j["lastQuantity"] = t->lastQuantity.toString();
            j["bidPrice"] = t->bidPrice.toString();
            j["bidQuantity"] = t->bidQuantity.toString();
            j["askPrice"] = t->askPrice.toString();
            j["askQuantity"] = t->askQuantity.toString();
        }
        j["open"] = t->open.toString();
        j["high"] = t->high.toString();
        j["low"] = t->low.toString();
        j["volume"] = t->volume.toString();
        j["quoteVolume"] = t->quoteVolume.toString();
        if (!t->mini) {
            j["openTime"] = t->openTimeMs;
            j["closeTime"] = t->closeTimeMs;
            j["firstTradeId"] = t->firstTradeId;
            j["lastTradeId"] = t->lastTradeId;
            j["tradeCount"] = t->tradeCount;
        }
        return j;
    }
    return std::nullopt;
}

std::string secondsText(std::chrono::milliseconds d) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", static_cast<double>(d.count()) / 1000.0);
    return buf;
}

struct StreamSettings {
    net::Url url;
    std::shared_ptr<asio::ssl::context> tls;
    exchange::BinanceAdapter adapter;
    std::size_t streamCount = 0;
    std::uint64_t maxEvents = 0;  // 0: unlimited
    std::chrono::milliseconds duration{0};  // 0: unlimited
    std::chrono::milliseconds idleTimeout{30000};
};

// Everything lives on the network thread (single-threaded io_context): no locks.
class StreamSession : public std::enable_shared_from_this<StreamSession> {
public:
    StreamSession(asio::io_context& io, StreamSettings settings, std::ostream& out, std::ostream& err)
        : m_io(io), m_settings(std::move(settings)), m_out(out), m_err(err), m_retryTimer(io),
          m_watchdog(io), m_deadline(io), m_closedTimer(io), m_signals(io, SIGINT, SIGTERM),
          m_backoff(std::chrono::milliseconds(500), std::chrono::seconds(30)) {}

    asio::awaitable<int> run() {
        m_signals.async_wait([this](const boost::system::error_code& ec, int signal) {
            if (!ec) stop(signal == SIGINT ? "SIGINT" : "SIGTERM");
        });
        if (m_settings.duration.count() > 0) {
            m_deadline.expires_after(m_settings.duration);
            m_deadline.async_wait([this](const boost::system::error_code& ec) {
                if (!ec) stop(secondsText(m_settings.duration) + " s elapsed");
            });
        }
        armWatchdog();

        while (!m_stopping) {
            status("connecting to " + m_settings.url.toString());
            m_client = std::make_shared<net::WsClient>(m_io, m_settings.tls);
            m_watchdogFired = false;
            std::string reason;
            auto connected = co_await m_client->connect(m_settings.url, std::chrono::seconds(10));
            if (!connected) {
                reason = connected.error().message;
            } else if (!m_stopping) {
                status("live (" + std::to_string(m_settings.streamCount) + " stream" +
                       (m_settings.streamCount == 1 ? "" : "s") + ")");
                reason = co_await readLoop();
            }
            if (m_stopping) break;
            const auto delay = m_backoff.next();
            status("reconnecting in " + secondsText(delay) + " s (" + reason + ")");
            m_client.reset();
            m_retryTimer.expires_after(delay);
            boost::system::error_code ec;
            co_await m_retryTimer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        }

        if (m_client && m_client->isOpen()) {
            co_await m_client->close();
        } else if (m_closing) {
            // stop() is closing the connection from its own coroutine; wait for it (bounded).
            if (!m_closed) {
                m_closedTimer.expires_after(std::chrono::seconds(5));
                boost::system::error_code ec;
                co_await m_closedTimer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
            }
        }
        m_client.reset();
        m_signals.cancel();
        m_deadline.cancel();
        m_watchdog.cancel();
        m_retryTimer.cancel();
        status("stopped (" + m_stopReason + "; " + std::to_string(m_events) + " event" +
               (m_events == 1 ? "" : "s") + ")");
        co_return kExitOk;
    }

private:
    // Reads until the connection ends or we stop; returns why it ended.
    asio::awaitable<std::string> readLoop() {
        const std::shared_ptr<net::WsClient> client = m_client;
        m_lastActivity = Clock::now();
        m_lastPings = client->pingsReceived();
        bool healthy = false;
        for (;;) {
            auto frame = co_await client->read();
            if (!frame) {
                if (m_watchdogFired)
                    co_return "no data for " + secondsText(m_settings.idleTimeout) + " s (watchdog)";
                co_return frame.error().message;
            }
            if (m_stopping) co_return std::string("stopping");
            m_lastActivity = Clock::now();
            if (!healthy) {
                healthy = true;
                m_backoff.reset();
            }
            auto events = m_settings.adapter.parseStreamMessage(*frame);
            if (!events) {
                m_err << kName << ": ignoring a frame: " << events.error().message << std::endl;
                continue;
            }
            for (const auto& event : *events) {
                if (std::holds_alternative<exchange::ServerShutdown>(event)) {
                    m_err << kName << ": the server announced it will close the connection soon" << std::endl;
                    continue;
                }
                auto j = eventJson(event);
                if (!j) continue;
                m_out << j->dump() << '\n';
                m_out.flush();
                ++m_events;
                if (m_settings.maxEvents != 0 && m_events >= m_settings.maxEvents) {
                    stop(std::to_string(m_events) + " events");
                    co_return std::string("stopping");
                }
            }
        }
    }

    void armWatchdog() {
        const auto period = std::clamp(m_settings.idleTimeout / 4, std::chrono::milliseconds(50),
                                       std::chrono::milliseconds(1000));
        m_watchdog.expires_after(period);
        m_watchdog.async_wait([this](const boost::system::error_code& ec) {
            if (ec || m_stopping) return;
            if (m_client && m_client->isOpen()) {
                const std::uint64_t pings = m_client->pingsReceived();
                if (pings != m_lastPings) {
                    m_lastPings = pings;
                    m_lastActivity = Clock::now();
                }
                if (Clock::now() - m_lastActivity > m_settings.idleTimeout) {
                    m_watchdogFired = true;
                    m_client->cancel();
                }
            }
            armWatchdog();
        });
    }

    // Idempotent. Called on the network thread (signal, deadline, event count).
    void stop(const std::string& reason) {
        if (m_stopping) return;
        m_stopping = true;
        m_stopReason = reason;
        m_retryTimer.cancel();
        if (m_client && m_client->isOpen()) {
            // A read is pending: the close handshake completes it with an error.
            m_closing = true;
            asio::co_spawn(
                m_io,
                [self = shared_from_this(), client = m_client]() -> asio::awaitable<void> {
                    co_await client->close();
                    self->m_closed = true;
                    self->m_closedTimer.cancel();
                },
                asio::detached);
        } else if (m_client) {
            m_client->cancel();  // connecting: abort
        }
    }

    void status(const std::string& text) { m_err << kName << ": " << text << std::endl; }

    asio::io_context& m_io;
    StreamSettings m_settings;
    std::ostream& m_out;
    std::ostream& m_err;
    asio::steady_timer m_retryTimer;
    asio::steady_timer m_watchdog;
    asio::steady_timer m_deadline;
    asio::steady_timer m_closedTimer;
    asio::signal_set m_signals;
    net::Backoff m_backoff;
    std::shared_ptr<net::WsClient> m_client;
    bool m_stopping = false;
    bool m_closing = false;
    bool m_closed = false;
    bool m_watchdogFired = false;
    std::string m_stopReason;
    std::uint64_t m_events = 0;
    Clock::time_point m_lastActivity = Clock::now();
    std::uint64_t m_lastPings = 0;
};

std::string upper(std::string s) {
    for (char& c : s)
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    return s;
}

int runStream(const ParsedArgs& args, std::ostream& out, std::ostream& err) {
    const auto usage = [&](const std::string& message) {
        err << kName << ": " << message << "\nRun 'cpc stream --help' for usage.\n";
        return kExitUsage;
    };
    if (args.positional.size() != 1) return usage("expected one SYMBOL (e.g. cpc stream BTCUSDT --streams kline_1m,trade)");
    const std::string symbol = upper(args.positional[0]);
    if (symbol.empty() || !std::all_of(symbol.begin(), symbol.end(), [](char c) {
            return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        }))
        return usage("'" + args.positional[0] + "' is not a symbol (letters and digits, e.g. BTCUSDT)");

    std::vector<StreamSpec> specs;
    const std::string streamsText = args.value("--streams").value_or("kline_1m");
    std::size_t pos = 0;
    while (pos <= streamsText.size()) {
        const std::size_t comma = std::min(streamsText.find(',', pos), streamsText.size());
        const std::string token = streamsText.substr(pos, comma - pos);
        pos = comma + 1;
        const auto spec = parseStreamToken(token, symbol);
        if (!spec)
            return usage("--streams: unknown stream '" + token + "'; accepted: " + acceptedStreamsText());
        if (std::find(specs.begin(), specs.end(), *spec) == specs.end()) specs.push_back(*spec);
    }

    StreamSettings settings;
    if (auto v = args.value("--max-events")) {
        auto n = parseIntOption("--max-events", *v, 1, std::numeric_limits<long long>::max());
        if (!n) return usage(n.error().message);
        settings.maxEvents = static_cast<std::uint64_t>(*n);
    }
    if (auto v = args.value("--seconds")) {
        auto n = parseIntOption("--seconds", *v, 1, 365LL * 24 * 3600);
        if (!n) return usage(n.error().message);
        settings.duration = std::chrono::seconds(*n);
    }

    std::string base = args.value("--endpoint").value_or(exchange::BinanceAdapter::kProductionStream);
    while (base.ends_with('/')) base.pop_back();
    auto baseUrl = net::Url::parse(base);
    if (!baseUrl) return usage("--endpoint: " + baseUrl.error().message);
    if (!baseUrl->websocket()) return usage("--endpoint must be a wss:// (or loopback ws://) URL");
    if (baseUrl->target != "/" && !baseUrl->target.empty())
        return usage("--endpoint is the stream base URL without a path (e.g. wss://stream.binance.com:9443)");
    settings.adapter = exchange::BinanceAdapter(exchange::Endpoints{exchange::BinanceAdapter::kProductionRest, base});
    auto url = net::Url::parse(settings.adapter.streamUrl(specs));
    if (!url) return usage("--endpoint: " + url.error().message);
    settings.url = *url;
    settings.streamCount = specs.size();
    settings.idleTimeout = defaultIdleTimeout(settings.adapter, specs);
    if (auto v = args.value("--idle-timeout")) {
        auto n = parseIntOption("--idle-timeout", *v, 1, 3600);
        if (!n) return usage(n.error().message);
        settings.idleTimeout = std::chrono::seconds(*n);
    }

    if (url->secure() || args.has("--ca-file")) {
        auto tls = net::makeClientTlsContext(net::TlsOptions{args.value("--ca-file").value_or("")});
        if (!tls) {
            err << kName << ": " << tls.error().message << '\n';
            return kExitFailure;
        }
        settings.tls = *tls;
    }

    auto promise = std::make_shared<std::promise<int>>();
    auto result = promise->get_future();
    {
        net::IoThread io;
        auto session = std::make_shared<StreamSession>(io.context(), std::move(settings), out, err);
        asio::co_spawn(
            io.context(),
            [session, promise]() -> asio::awaitable<void> {
                try {
                    const int code = co_await session->run();
                    promise->set_value(code);
                } catch (...) {
                    promise->set_value(-1);
                }
            },
            asio::detached);
        const int code = result.get();
        if (code < 0) {
            err << kName << ": unexpected error\n";
            return kExitFailure;
        }
        io.stop();
        return code;
    }
}

}  // namespace

Command makeStreamCommand() {
    Command c;
    c.name = "stream";
    c.summary = "print a symbol's live market streams as JSON lines";
    c.usage = "cpc stream SYMBOL [--streams kline_1m,trade,depth,…] [--endpoint URL] [--ca-file F] "
              "[--max-events N] [--seconds S]";
    c.description =
        "Subscribes to Binance market streams of SYMBOL and prints every event as one JSON object per\n"
        "line on stdout, with a \"type\" field (kline, trade, aggTrade, depthUpdate, depth, bookTicker,\n"
        "ticker, miniTicker); prices and quantities are exact decimal strings. Connection state and\n"
        "reconnects (exponential back-off with jitter; also when the stream goes silent) are reported\n"
        "on stderr. Stops cleanly on Ctrl+C or SIGTERM, after --max-events or after --seconds.\n"
        "Streams: " + acceptedStreamsText() + ".";
    c.options = {
        {"--streams", "LIST", "comma-separated streams (default kline_1m)"},
        {"--endpoint", "URL", "stream base URL (default wss://stream.binance.com:9443; ws:// only to loopback)"},
        {"--ca-file", "F", "extra PEM CA certificate(s) to trust"},
        {"--max-events", "N", "stop after N events"},
        {"--seconds", "S", "stop after S seconds"},
        {"--idle-timeout", "S", "reconnect after S seconds without data or ping (default: by stream)"},
    };
    c.maxPositional = 1;
    c.run = runStream;
    return c;
}

}  // namespace cpc::cli
