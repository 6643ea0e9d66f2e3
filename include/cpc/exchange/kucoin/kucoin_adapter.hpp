#pragma once
#include "cpc/exchange/exchange_adapter.hpp"

namespace cpc::exchange {

// KuCoin spot market data (REST https://api.kucoin.com/api/v1|v2/…, WebSocket from a token). Pure
// codec, no sockets. Symbols are spelled "BTC-USDT". Docs: https://www.kucoin.com/docs-new and the
// legacy https://docs.kucoin.com (Kucoin/kucoin-api-docs).
//
// Connecting is two steps: POST /api/v1/bullet-public (streamConnectRequest()) answers a token, a
// server endpoint and the ping rules; parseStreamConnect() turns that into the URL
// "<endpoint>?token=<token>&connectId=<id>" and the heartbeat interval/timeout. The server greets
// with {"type":"welcome"}; topics are subscribed one per message; the client sends
// {"id":"…","type":"ping"} every pingInterval.
//
// Time units: REST rows and candle pushes carry the open time in SECONDS, pushes carry an event
// time in NANOSECONDS; both become milliseconds. Rows are [time, open, CLOSE, HIGH, LOW, volume,
// turnover] (note the order) and come newest first; intervals without a trade have no row.
//
// Weeks: KuCoin's "1week" candles open on Thursday 00:00 UTC (epoch-aligned; Kucoin/kucoin-api-docs
// issues 350 and 373), ours (Binance's) on Monday. So 1w is not native here: it is aggregated from
// KuCoin's 1day candles into Monday weeks, and a KuCoin 1w chart matches Binance's week boundaries,
// not KuCoin's own web UI. 1month is aggregated from 1day too (its anchoring is undocumented).
//
// REST limits: KuCoin counts weights in resource pools (RestRequest::weight: candles 3,
// bullet-public 10, after the exchange-protocols guide; the pool sizes are not verified here).
// Errors are {"code":"400100","msg":…}; "200000" is success.
class KucoinAdapter final : public ExchangeAdapter {
public:
    static constexpr const char* kProductionRest = "https://api.kucoin.com";
    // Only a fallback: the real endpoint comes from the bullet-public answer.
    static constexpr const char* kProductionStream = "wss://ws-api-spot.kucoin.com/";

    KucoinAdapter() : KucoinAdapter(Endpoints{kProductionRest, kProductionStream}) {}
    explicit KucoinAdapter(Endpoints endpoints) : m_endpoints(std::move(endpoints)) {}

    std::string name() const override { return "kucoin"; }
    // Symbols: BTC-USDT.
    std::string_view symbolPunctuation() const override { return "-"; }
    const Endpoints& endpoints() const override { return m_endpoints; }
    int maxHistoryLimit() const override { return 1500; }

    std::string klineStreamUrl(const std::vector<StreamSpec>& streams) const override;
    std::string streamUrl(const std::vector<StreamSpec>& streams) const override;
    std::string streamName(const StreamSpec& stream) const override;  // the topic
    std::string streamNameOfFrame(std::string_view frame) const override { return frameString(frame, "topic"); }
    // One topic per message; several streams of the same channel share it ("…:BTC-USDT,ETH-USDT"),
    // streams of different channels give an empty string (send them one by one).
    std::string subscribeMessage(const std::vector<StreamSpec>& streams, std::int64_t id) const override;
    std::string unsubscribeMessage(const std::vector<StreamSpec>& streams, std::int64_t id) const override;
    std::string listSubscriptionsMessage(std::int64_t id) const override;  // none: empty
    // Our cap (reported: some 300-400 topics per connection; 100 client messages per 10 s).
    int maxStreamsPerConnection() const override { return 100; }
    RestRequest historyRequest(const HistoryQuery& query) const override;
    // level2_20 or level2_100 (the public part books; the full book needs an API key).
    RestRequest depthRequest(const std::string& symbol, int limit) const override;
    Result<DepthSnapshot> parseDepthSnapshot(std::string_view body, int httpStatus,
                                             const std::string& symbol) const override;
    RestRequest exchangeInfoRequest() const override;
    RestRequest serverTimeRequest() const override;

    Result<std::vector<Candle>> parseHistory(std::string_view body, int httpStatus,
                                             std::int64_t serverNowMs) const override;
    Result<std::vector<Candle>> parseHistoryFor(const HistoryQuery& query, std::string_view body,
                                                int httpStatus, std::int64_t serverNowMs) const override;
    Result<std::vector<SymbolInfo>> parseExchangeInfo(std::string_view body, int httpStatus) const override;
    Result<std::int64_t> parseServerTime(std::string_view body, int httpStatus) const override;
    // Candle pushes carry no "closed" flag: every KlineUpdate is provisional; a candle is final
    // once a newer one opens (or the REST backfill returns it closed).
    Result<std::vector<StreamEvent>> parseStreamMessage(std::string_view frame) const override;
    std::chrono::milliseconds streamIdleTimeout(Interval interval) const override;

    std::string symbolFor(std::string_view base, std::string_view quote) const override;
    bool isNativeInterval(Interval interval) const override;
    bool streamsInUrl() const override { return false; }
    int maxStreamsPerSubscribe() const override { return 1; }
    std::optional<std::string> heartbeatMessage(std::int64_t id) const override;
    // The documented example value; the bullet-public answer's pingInterval overrides it.
    std::chrono::milliseconds heartbeatInterval() const override { return std::chrono::seconds(18); }
    // The "Public" resource pool: 2,000 weight per 30 s per IP at every VIP level, counted from the
    // first request of the window; over it, HTTP 429 with code 429000 and the wait in a header
    // (KuCoin's REST rate-limit page, checked 2026-12). Klines and the server time weigh 3, the
    // symbol list 4. KuCoin reports what is left (gw-ratelimit-remaining), not what was used, so
    // the gate counts locally, in a sliding window (stricter than KuCoin's fixed one).
    RestRateLimit restRateLimit() const override {
        RestRateLimit limit{2000, std::chrono::seconds(30), ""};
        limit.waitHeader = "gw-ratelimit-reset";
        limit.waitKind = RestRateLimit::Wait::MillisecondsLeft;
        return limit;
    }
    // 400100: parameter error (unknown pair "This pair is not provided at present", bad type).
    bool isPermanentError(const Error& error) const override { return error.code == 400100; }
    // Intervals without a trade have no row.
    bool historyHasGaps() const override { return true; }
    // KuCoin opened in September 2017; 2017-01-01 is a safe earlier bound.
    std::int64_t earliestHistoryMs() const override { return 1483228800000; }
    // Depth: /market/level2 (depthLevels 0), PartialDepth: /spotMarket/level2Depth5 or
    // level2Depth50 (whole top-N snapshots); BookTicker (/market/ticker) carries no depth events.
    std::optional<int> depthLevelsOf(const StreamSpec& spec) const override {
        switch (spec.kind) {
            case StreamKind::Depth: return kDiffDepthBook;
            case StreamKind::PartialDepth: return spec.depthLevels <= 5 ? 5 : 50;
            default: return std::nullopt;
        }
    }
    std::optional<HttpRequest> streamConnectRequest() const override;
    Result<StreamConnectInfo> parseStreamConnect(std::string_view body, int httpStatus,
                                                 std::string_view connectId) const override;

    // KuCoin's type spelling: "1min" … "12hour", "1day", "1week", "1month"; nullopt for 1s and 3d.
    static std::optional<std::string> typeCode(Interval interval);
    static std::optional<Interval> parseTypeCode(std::string_view code);
    // {"code":"400100","msg":"…"} (code != "200000") or an HTTP error; nullopt on success.
    static std::optional<Error> parseErrorBody(std::string_view body, int httpStatus);

private:
    Result<std::vector<Candle>> parseRows(std::string_view body, int httpStatus) const;
    Endpoints m_endpoints;
};

}  // namespace cpc::exchange
