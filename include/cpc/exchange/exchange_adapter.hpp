#pragma once
// An exchange adapter is a codec: typed requests to bytes, bytes to typed events. It never
// touches a socket, so every adapter is tested with strings (architecture guide §8).
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cpc/core/candle.hpp"
#include "cpc/core/result.hpp"
#include "cpc/exchange/events.hpp"

namespace cpc::exchange {

// Where the adapter talks to. Defaults are the venue's production hosts.
struct Endpoints {
    std::string restBase;    // "https://api.binance.com"
    std::string streamBase;  // "wss://stream.binance.com:9443"
};

// An HTTP GET the adapter wants made: path + query relative to restBase, and its request weight.
struct RestRequest {
    std::string target;  // "/api/v3/klines?symbol=BTCUSDT&interval=1m&limit=1000"
    int weight = 1;
};

// A request other than a GET: KuCoin's stream token (POST /api/v1/bullet-public, empty body), see
// ExchangeAdapter::streamConnectRequest.
struct HttpRequest {
    std::string method;  // "POST"
    std::string target;  // relative to restBase
    std::string body;    // may be empty
    int weight = 1;
};

// Where to open the stream and how to keep it alive, when the venue hands that out at run time
// (KuCoin: POST /api/v1/bullet-public answers a token, a server list and its ping rules).
struct StreamConnectInfo {
    std::string url;                                   // full wss URL, token included
    std::chrono::milliseconds heartbeatInterval{0};    // send heartbeatMessage() this often
    std::chrono::milliseconds heartbeatTimeout{0};     // the reply is due within this
};

// The venue's REST request budget per IP: at most `weight` units of RestRequest::weight within any
// `window`. usedWeightHeader: a response header in which the venue reports the weight used in its
// current window (Binance's X-MBX-USED-WEIGHT-1M; its windows are the minutes of the exchange
// clock); empty: the venue reports nothing and the feed keeps a sliding window of its own requests.
struct RestRateLimit {
    int weight = 6000;
    std::chrono::milliseconds window{60000};
    std::string usedWeightHeader = "x-mbx-used-weight-1m";
    // How the venue says "this IP is banned": Binance HTTP 418 (2 minutes to 3 days, Retry-After
    // says how long); Bybit HTTP 403 "access too frequent" (stop for at least 10 minutes, no
    // Retry-After). `ban` is the wait when the answer does not say.
    int banStatus = 418;
    std::chrono::milliseconds ban{120000};
    // How a 429 says when to ask again: the header (lower case) and what its number means —
    // Binance "retry-after" seconds; KuCoin "gw-ratelimit-reset", ms left; Bybit
    // "x-bapi-limit-reset-timestamp", the venue time it resets. "" (OKX: nothing is said): wait
    // one window.
    enum class Wait : std::uint8_t { Seconds, MillisecondsLeft, ResetAtMs };
    std::string waitHeader = "retry-after";
    Wait waitKind = Wait::Seconds;
    // Endpoints the venue counts in windows of their own (OKX: each endpoint per IP), by path
    // ("/api/v5/public/time"); every other path counts against `weight` per `window` above.
    struct Endpoint {
        std::string path;
        int weight = 0;
        std::chrono::milliseconds window{0};
    };
    std::vector<Endpoint> endpoints{};
};

struct HistoryQuery {
    std::string symbol;
    Interval interval = Interval::M1;
    std::optional<std::int64_t> startTime = std::nullopt;  // open time >= startTime
    std::optional<std::int64_t> endTime = std::nullopt;    // open time <= endTime
    int limit = 1000;
    // With both bounds: the newest `limit` rows of [startTime, endTime] however wide that range (a
    // scroll-back probe past a no-trade stretch; only asked of venues with historyHasGaps(), whose
    // answers are newest first). false: a start means a page of `limit` rows forward from it.
    bool newestOfRange = false;
};

struct SymbolInfo {
    std::string symbol;      // "BTCUSDT"
    std::string baseAsset;   // "BTC"
    std::string quoteAsset;  // "USDT"
    std::string status;      // "TRADING", "BREAK", …
    int priceDecimals = 8;   // from the tick size
    int quantityDecimals = 8;
    Decimal tickSize{};      // price step (Binance PRICE_FILTER tickSize); zero when not known
};

// The market streams a feed can subscribe to (Binance names in comments).
enum class StreamKind : std::uint8_t {
    Kline,         // <symbol>@kline_<interval>
    Trade,         // <symbol>@trade
    AggTrade,      // <symbol>@aggTrade
    Depth,         // <symbol>@depth@100ms (diffs; a local book needs the REST snapshot too)
    PartialDepth,  // <symbol>@depth<levels>@100ms, levels 5, 10 or 20
    BookTicker,    // <symbol>@bookTicker
    Ticker,        // <symbol>@ticker
    MiniTicker,    // <symbol>@miniTicker
    // Perpetual futures only (MarketType::Perp); a spot adapter has no such stream (hasStream).
    MarkPrice,     // <symbol>@markPrice@1s (mark + index; the same stream carries the funding)
    Funding,       // <symbol>@markPrice@1s on Binance; Bybit tickers.SYM; OKX funding-rate
    OpenInterest,  // Bybit tickers.SYM; OKX open-interest; Binance: none (polled, see below)
    Liquidation,   // <symbol>@forceOrder; Bybit allLiquidation.SYM; OKX liquidation-orders (SWAP)
};

// The REST history of a perpetual's funding rate or open interest.
struct DerivativesQuery {
    std::string symbol;
    Interval period = Interval::M5;         // open interest only: the row spacing
    std::optional<std::int64_t> startTime = std::nullopt;  // rows at or after
    std::optional<std::int64_t> endTime = std::nullopt;    // rows at or before
    int limit = 100;
};

struct StreamSpec {
    std::string symbol;
    Interval interval = Interval::M1;  // Kline only
    StreamKind kind = StreamKind::Kline;
    int depthLevels = 20;              // PartialDepth only
    bool operator==(const StreamSpec&) const = default;
};

class ExchangeAdapter {
public:
    virtual ~ExchangeAdapter() = default;

    virtual std::string name() const = 0;  // "binance"
    // Which of the venue's markets this codec speaks (spot unless made for perpetuals).
    virtual MarketType market() const { return MarketType::Spot; }
    virtual const Endpoints& endpoints() const = 0;
    virtual int maxHistoryLimit() const = 0;  // rows per REST page

    // Full WebSocket URL subscribing to the kline streams given (combined-stream form).
    virtual std::string klineStreamUrl(const std::vector<StreamSpec>& streams) const = 0;
    // Any streams, combined-stream form (every frame names its stream).
    virtual std::string streamUrl(const std::vector<StreamSpec>& streams) const = 0;
    virtual std::string streamName(const StreamSpec& stream) const = 0;
    // The stream (as streamName() spells it) a data frame belongs to, read from the frame without
    // parsing it (per-stream counters, dropping frames of a stream just unsubscribed);
    // "" for frames of no stream (replies, pongs, the venue's notices). Binance: the combined
    // stream's "stream".
    virtual std::string streamNameOfFrame(std::string_view frame) const { return frameString(frame, "stream"); }
    // The string value of the first `"key": "…"` in `frame` (any key order or spacing: venues'
    // encoders differ); "" if none.
    static std::string frameString(std::string_view frame, std::string_view key) {
        const std::string quoted = "\"" + std::string(key) + "\"";
        const auto skipSpace = [&](std::size_t i) {
            while (i < frame.size() && (frame[i] == ' ' || frame[i] == '\n' || frame[i] == '\r' || frame[i] == '\t')) ++i;
            return i;
        };
        for (auto p = frame.find(quoted); p != std::string_view::npos; p = frame.find(quoted, p + 1)) {
            std::size_t i = skipSpace(p + quoted.size());
            if (i >= frame.size() || frame[i] != ':') continue;
            i = skipSpace(i + 1);
            if (i >= frame.size() || frame[i] != '"') continue;
            const auto end = frame.find('"', i + 1);
            return end == std::string_view::npos ? std::string() : std::string(frame.substr(i + 1, end - i - 1));
        }
        return {};
    }
    // Live subscription control messages with a request id (the reply carries the same id).
    virtual std::string subscribeMessage(const std::vector<StreamSpec>& streams, std::int64_t id) const = 0;
    virtual std::string unsubscribeMessage(const std::vector<StreamSpec>& streams, std::int64_t id) const = 0;
    virtual std::string listSubscriptionsMessage(std::int64_t id) const = 0;
    virtual int maxStreamsPerConnection() const = 0;
    virtual RestRequest historyRequest(const HistoryQuery& query) const = 0;
    // Order book snapshot (the start of a local book); limit = levels per side.
    virtual RestRequest depthRequest(const std::string& symbol, int limit) const = 0;
    virtual Result<DepthSnapshot> parseDepthSnapshot(std::string_view body, int httpStatus,
                                                     const std::string& symbol) const = 0;
    virtual RestRequest exchangeInfoRequest() const = 0;
    virtual RestRequest serverTimeRequest() const = 0;

    // Parsers take the HTTP status too: a venue's error body becomes an Error with its code.
    virtual Result<std::vector<Candle>> parseHistory(std::string_view body, int httpStatus,
                                                     std::int64_t serverNowMs) const = 0;
    virtual Result<std::vector<SymbolInfo>> parseExchangeInfo(std::string_view body,
                                                              int httpStatus) const = 0;
    virtual Result<std::int64_t> parseServerTime(std::string_view body, int httpStatus) const = 0;
    virtual Result<std::vector<StreamEvent>> parseStreamMessage(std::string_view frame) const = 0;

    // Watchdog: longest silence on a healthy kline stream before we reconnect.
    virtual std::chrono::milliseconds streamIdleTimeout(Interval interval) const = 0;

    // ---- Multi-venue additions (docs/ARCHITECTURE.md, "Exchange adapters"). Every default is
    // Binance's behaviour, so BinanceAdapter overrides none of them.

    // The venue's instrument spelling of base/quote: "BTCUSDT" (Binance, Bybit), "BTC-USDT" (OKX,
    // KuCoin).
    virtual std::string symbolFor(std::string_view base, std::string_view quote) const {
        return std::string(base) + std::string(quote);
    }
    // The characters a symbol of the venue may hold besides ASCII letters and digits: Binance's
    // rule is ^[A-Z0-9-_.]{1,20}$; Bybit's spot symbols are letters and digits only; OKX and
    // KuCoin spell BTC-USDT.
    virtual std::string_view symbolPunctuation() const { return "-_."; }
    // An Error saying what the venue accepts when `symbol` cannot be one of its symbols (empty, too
    // long, a character outside its alphabet). Every entry checks a symbol with it before the symbol
    // goes into a request: '&', '?', '#', '/', '%', spaces or CR/LF would add query parameters, or
    // whole HTTP requests, to a REST target or a WebSocket upgrade. Lower case is accepted (the
    // streams spell symbols so on Binance).
    std::optional<Error> checkSymbol(std::string_view symbol) const {
        constexpr std::size_t kMaxLength = 32;
        const std::string_view punctuation = symbolPunctuation();
        const auto allowed = [&](char c) {
            return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                   punctuation.find(c) != std::string_view::npos;
        };
        std::string why;
        if (symbol.empty()) {
            why = "it is empty";
        } else if (symbol.size() > kMaxLength) {
            why = "it is longer than " + std::to_string(kMaxLength) + " characters";
        } else {
            for (const char c : symbol) {
                if (allowed(c)) continue;
                const auto byte = static_cast<unsigned char>(c);
                if (byte >= 0x21 && byte < 0x7F) {
                    why = std::string("it contains '") + c + "'";
                } else {
                    static constexpr char kHex[] = "0123456789ABCDEF";
                    why = std::string("it contains the byte 0x") + kHex[byte >> 4] + kHex[byte & 0xF] +
                          (c == ' ' ? " (a space)" : c == '\r' || c == '\n' ? " (a line break)" : "");
                }
                break;
            }
        }
        if (why.empty()) return std::nullopt;
        std::string printable;
        for (const char c : symbol.substr(0, kMaxLength))
            printable += static_cast<unsigned char>(c) >= 0x20 && static_cast<unsigned char>(c) < 0x7F ? c : '?';
        std::string accepted = "ASCII letters, digits";
        for (const char c : punctuation) accepted += std::string(", '") + c + "'";
        return Error{"'" + printable + "' is not a " + name() + " symbol: " + why + "; accepted: 1 to " +
                     std::to_string(kMaxLength) + " of " + accepted + " (e.g. " + symbolFor("BTC", "USDT") + ")"};
    }
    // Intervals the venue serves with exactly our buckets (REST and stream). The others are
    // aggregated (market::aggregate) from nativeSourceInterval().
    virtual bool isNativeInterval(Interval interval) const {
        (void)interval;
        return true;
    }
    // What to request from the venue for `interval`: the interval itself when native, otherwise
    // the coarsest native interval that divides it (fewest rows, same aggregate as from any finer
    // one), nullopt when none does (1s on venues without seconds).
    // Derived from isNativeInterval(), the same rule for every venue.
    std::optional<Interval> nativeSourceInterval(Interval interval) const {
        if (isNativeInterval(interval)) return interval;
        std::optional<Interval> best;
        for (Interval candidate : kAllIntervals)
            if (candidate != interval && isNativeInterval(candidate) && divides(candidate, interval) &&
                (!best || nominalMs(candidate) > nominalMs(*best)))
                best = candidate;
        return best;
    }
    // Same as parseHistory(), told which query the body answers: venues whose rows carry no close
    // time (Bybit, KuCoin) need the interval to tell the forming candle from closed ones.
    virtual Result<std::vector<Candle>> parseHistoryFor(const HistoryQuery& query, std::string_view body,
                                                        int httpStatus, std::int64_t serverNowMs) const {
        (void)query;
        return parseHistory(body, httpStatus, serverNowMs);
    }
    // true: streamUrl() names the streams (Binance combined streams). false: streamUrl() is the
    // bare endpoint and the feed sends subscribeMessage() after connecting (Bybit, OKX, KuCoin).
    // Streams whose streamUrl({stream}) differ need separate connections (OKX: candles on
    // /ws/v5/business, the rest on /ws/v5/public).
    virtual bool streamsInUrl() const { return true; }
    // Most streams one subscribe message may carry (Bybit spot: 10 args).
    virtual int maxStreamsPerSubscribe() const { return maxStreamsPerConnection(); }
    // Client-sent keep-alive: send heartbeatMessage(id) every heartbeatInterval(). nullopt / 0:
    // none (Binance pings from the server and the WebSocket layer answers).
    virtual std::optional<std::string> heartbeatMessage(std::int64_t id) const {
        (void)id;
        return std::nullopt;
    }
    virtual std::chrono::milliseconds heartbeatInterval() const { return std::chrono::milliseconds(0); }
    // A venue may need a REST call before every connect to learn the stream URL (KuCoin's token):
    // make streamConnectRequest() when it is not nullopt and connect to
    // parseStreamConnect(...).url instead of streamUrl(); its heartbeat rules override the above.
    virtual std::optional<HttpRequest> streamConnectRequest() const { return std::nullopt; }
    // REST pacing (default: Binance's 6,000 weight per minute, reported in X-MBX-USED-WEIGHT-1M).
    virtual RestRateLimit restRateLimit() const { return {}; }
    // An error answer (Error::code = the venue's code) that retrying cannot fix: unknown symbol,
    // bad interval or parameter. Default: Binance's -1100, -1102, -1120, -1121, -1130 and HTTP 451.
    virtual bool isPermanentError(const Error& error) const {
        switch (error.code) {
            case -1100: case -1102: case -1120: case -1121: case -1130: case 451: return true;
            default: return false;
        }
    }
    // true: intervals without a trade have no candle (KuCoin), so a history page may hold fewer
    // rows than asked without being the start of the listing.
    virtual bool historyHasGaps() const { return false; }
    // No candle of the venue opens before this (its launch, or a safe earlier bound): scroll-back
    // probes across a no-trade stretch never ask for anything older. Default: 2009-01-03, the
    // Bitcoin genesis block; nothing older can have crypto market data.
    virtual std::int64_t earliestHistoryMs() const { return 1230940800000; }
    // true: the diff depth stream (StreamKind::Depth) starts with its own full snapshot and is
    // followed by deltas (Bybit, OKX), so a local book needs no REST snapshot; after a gap the stream
    // is subscribed again for a fresh snapshot. false (Binance, KuCoin): depthRequest() snapshot
    // plus the stream's diffs, sequence-checked.
    virtual bool depthSnapshotInStream() const { return false; }
    // The depthLevels the DepthSnapshot / DepthUpdate events of `spec`'s stream carry
    // (events.hpp): 0 for the diff-depth book (StreamKind::Depth), N for a partial-depth topic of
    // the top N levels; nullopt when the stream carries no depth events. Default (Binance):
    // PartialDepth is @depth5, @depth10 or @depth20.
    virtual std::optional<int> depthLevelsOf(const StreamSpec& spec) const {
        switch (spec.kind) {
            case StreamKind::Depth: return kDiffDepthBook;
            case StreamKind::PartialDepth: return spec.depthLevels <= 5 ? 5 : spec.depthLevels <= 10 ? 10 : 20;
            default: return std::nullopt;
        }
    }
    virtual Result<StreamConnectInfo> parseStreamConnect(std::string_view body, int httpStatus,
                                                         std::string_view connectId) const {
        (void)body, (void)httpStatus, (void)connectId;
        return makeError(name() + ": the stream URL needs no connect request");
    }
    // Streams on different endpoints never share a connection: "" (the default for venues naming
    // the streams in the URL) or the endpoint. Binance USD-M routes by path: book streams on
    // /public, the others on /market.
    virtual std::string connectionGroup(const StreamSpec& spec) const {
        return streamsInUrl() ? std::string() : streamUrl({spec});
    }
    // Whether the venue has a stream for `spec` in this market: the perpetual kinds exist only on
    // perpetual codecs, and Binance USD-M has no open-interest stream (it is polled over REST,
    // openInterestRequest, within its weight budget).
    virtual bool hasStream(const StreamSpec& spec) const {
        switch (spec.kind) {
            case StreamKind::MarkPrice:
            case StreamKind::Funding:
            case StreamKind::OpenInterest:
            case StreamKind::Liquidation: return false;
            default: return true;
        }
    }

    // ---- Perpetual futures REST (nullopt / an Error on spot codecs) ----
    // Mark, index, funding rate and next funding time now (Binance premiumIndex, Bybit tickers,
    // OKX funding-rate): parsed into MarkPriceUpdate and FundingUpdate events.
    virtual std::optional<RestRequest> premiumIndexRequest(const std::string& symbol) const {
        (void)symbol;
        return std::nullopt;
    }
    virtual Result<std::vector<StreamEvent>> parsePremiumIndex(std::string_view body, int httpStatus,
                                                               const std::string& symbol) const {
        (void)body, (void)httpStatus, (void)symbol;
        return makeError(name() + " " + std::string(toString(market())) + " has no mark price");
    }
    // Open interest now (the poll of venues without an open-interest stream).
    virtual std::optional<RestRequest> openInterestRequest(const std::string& symbol) const {
        (void)symbol;
        return std::nullopt;
    }
    virtual Result<OpenInterestUpdate> parseOpenInterest(std::string_view body, int httpStatus,
                                                         const std::string& symbol) const {
        (void)body, (void)httpStatus, (void)symbol;
        return makeError(name() + " " + std::string(toString(market())) + " has no open interest");
    }
    // How often a poll of openInterestRequest() may run within the venue's limits; 0: no poll
    // needed (the stream carries it).
    virtual std::chrono::milliseconds openInterestPollInterval() const { return std::chrono::milliseconds(0); }
    // Funding-rate history, ascending by funding time after parsing.
    virtual std::optional<RestRequest> fundingHistoryRequest(const DerivativesQuery& query) const {
        (void)query;
        return std::nullopt;
    }
    virtual Result<std::vector<FundingRatePoint>> parseFundingHistory(std::string_view body, int httpStatus) const {
        (void)body, (void)httpStatus;
        return makeError(name() + " " + std::string(toString(market())) + " has no funding history");
    }
    // Open-interest history, ascending after parsing. The venue decides how far back it serves it
    // (Binance: the latest 30 days; OKX: the latest 1,440 rows); openInterestPeriods() are the
    // spacings it accepts.
    virtual std::optional<RestRequest> openInterestHistoryRequest(const DerivativesQuery& query) const {
        (void)query;
        return std::nullopt;
    }
    virtual Result<std::vector<OpenInterestPoint>> parseOpenInterestHistory(std::string_view body,
                                                                            int httpStatus) const {
        (void)body, (void)httpStatus;
        return makeError(name() + " " + std::string(toString(market())) + " has no open-interest history");
    }
    virtual std::vector<Interval> openInterestPeriods() const { return {}; }
    virtual int maxDerivativesLimit() const { return 0; }
};

}  // namespace cpc::exchange
