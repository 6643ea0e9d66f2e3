#pragma once
#include "cpc/exchange/exchange_adapter.hpp"

namespace cpc::exchange {

// Bybit v5 spot market data (REST /v5/market/*, WebSocket /v5/public/spot). Pure codec, no sockets.
// Symbols are spelled "BTCUSDT". Docs: https://bybit-exchange.github.io/docs/v5/intro
//
// Streams are subscribed after connecting ({"op":"subscribe","args":["kline.1.BTCUSDT"]}, at most
// 10 args per message on spot); the client sends {"op":"ping"} every 20 s. Every book topic
// (orderbook.{1,50,200}.SYM) is a snapshot followed by deltas; a delta's `u` is the next update id,
// so it is passed on as a DepthUpdate with firstUpdateId == finalUpdateId == u, and a new snapshot
// (also one with u == 1 after a service restart) replaces the local book.
//
// REST limits (https://bybit-exchange.github.io/docs/v5/rate-limit): 600 requests per 5 s per IP
// over all of api.bybit.com; beyond it HTTP 403 "access too frequent" and a ban of >= 10 minutes.
// Per-endpoint limits answer retCode 10006 "Too many visits!". Every request here has weight 1.
class BybitAdapter final : public ExchangeAdapter {
public:
    static constexpr const char* kProductionRest = "https://api.bybit.com";
    static constexpr const char* kProductionStream = "wss://stream.bybit.com/v5/public/spot";
    // Linear (USDT/USDC) perpetuals: the same REST host with category=linear, their own socket.
    static constexpr const char* kPerpProductionStream = "wss://stream.bybit.com/v5/public/linear";

    BybitAdapter() : BybitAdapter(Endpoints{kProductionRest, kProductionStream}) {}
    explicit BybitAdapter(Endpoints endpoints, MarketType market = MarketType::Spot)
        : m_endpoints(std::move(endpoints)), m_market(market) {}

    std::string name() const override { return "bybit"; }
    MarketType market() const override { return m_market; }
    // Spot symbols are letters and digits (BTCUSDT, 1000PEPEUSDT).
    std::string_view symbolPunctuation() const override { return ""; }
    const Endpoints& endpoints() const override { return m_endpoints; }
    int maxHistoryLimit() const override { return 1000; }

    std::string klineStreamUrl(const std::vector<StreamSpec>& streams) const override;
    std::string streamUrl(const std::vector<StreamSpec>& streams) const override;
    std::string streamName(const StreamSpec& stream) const override;
    std::string streamNameOfFrame(std::string_view frame) const override { return frameString(frame, "topic"); }
    std::string subscribeMessage(const std::vector<StreamSpec>& streams, std::int64_t id) const override;
    std::string unsubscribeMessage(const std::vector<StreamSpec>& streams, std::int64_t id) const override;
    // Bybit has no "list subscriptions" operation: empty (nothing to send).
    std::string listSubscriptionsMessage(std::int64_t id) const override;
    // Our cap: Bybit limits one public connection's args to 21,000 characters, not a count.
    int maxStreamsPerConnection() const override { return 200; }
    RestRequest historyRequest(const HistoryQuery& query) const override;
    RestRequest depthRequest(const std::string& symbol, int limit) const override;
    Result<DepthSnapshot> parseDepthSnapshot(std::string_view body, int httpStatus,
                                             const std::string& symbol) const override;
    RestRequest exchangeInfoRequest() const override;
    RestRequest serverTimeRequest() const override;

    // Without the query the rows' interval is unknown: every row but the newest is closed (a newer
    // one exists), the newest once the widest row spacing has passed (conservative).
    // parseHistoryFor() knows the interval and decides by the clock: feeds should call it.
    Result<std::vector<Candle>> parseHistory(std::string_view body, int httpStatus,
                                             std::int64_t serverNowMs) const override;
    Result<std::vector<Candle>> parseHistoryFor(const HistoryQuery& query, std::string_view body,
                                                int httpStatus, std::int64_t serverNowMs) const override;
    Result<std::vector<SymbolInfo>> parseExchangeInfo(std::string_view body, int httpStatus) const override;
    Result<std::int64_t> parseServerTime(std::string_view body, int httpStatus) const override;
    Result<std::vector<StreamEvent>> parseStreamMessage(std::string_view frame) const override;
    std::chrono::milliseconds streamIdleTimeout(Interval interval) const override;

    bool isNativeInterval(Interval interval) const override;
    bool streamsInUrl() const override { return false; }
    int maxStreamsPerSubscribe() const override { return 10; }
    std::optional<std::string> heartbeatMessage(std::int64_t id) const override;
    std::chrono::milliseconds heartbeatInterval() const override { return std::chrono::seconds(20); }
    // 600 requests per 5 s per IP (weight 1 each), nothing reported in headers.
    // 600 requests / 5 s per IP; past it HTTP 403 "access too frequent" and a ban of ≥ 10 minutes.
    RestRateLimit restRateLimit() const override {
        RestRateLimit limit{600, std::chrono::seconds(5), "", 403, std::chrono::minutes(10)};
        limit.waitHeader = "x-bapi-limit-reset-timestamp";  // a 429's: when its limit resets (venue ms)
        limit.waitKind = RestRateLimit::Wait::ResetAtMs;
        return limit;
    }
    // retCode 10001: parameter error (unknown symbol "Not supported symbols", "Invalid period!").
    bool isPermanentError(const Error& error) const override { return error.code == 10001; }
    // orderbook.N topics start with a snapshot, then deltas.
    bool depthSnapshotInStream() const override { return true; }
    // Depth: orderbook.200 (its events carry depthLevels 0), PartialDepth: orderbook.1 (at most
    // one level asked) or orderbook.50, BookTicker: orderbook.1 (a BookTicker and a one-level book).
    std::optional<int> depthLevelsOf(const StreamSpec& spec) const override;
    static constexpr int kDiffDepthTopicLevels = 200;  // the diff-depth book's topic, orderbook.200

    // Bybit's interval spelling ("1", "60", "D", "W", "M"); nullopt where Bybit has none (1s, 8h,
    // 3d). The spelling exists for 1w, but those buckets are not verified to be Monday weeks, so
    // 1w is not native (aggregated from 1d).
    static std::optional<std::string> intervalCode(Interval interval);
    static std::optional<Interval> parseIntervalCode(std::string_view code);
    // {"retCode":10001,"retMsg":"…"} (retCode != 0) or an HTTP error as an Error; nullopt when the
    // body is a success.
    static std::optional<Error> parseErrorBody(std::string_view body, int httpStatus);

    // ---- linear perpetuals ----
    // tickers.SYM carries mark, index, funding and open interest; allLiquidation.SYM liquidations.
    bool hasStream(const StreamSpec& spec) const override;
    std::optional<RestRequest> premiumIndexRequest(const std::string& symbol) const override;  // /v5/market/tickers
    Result<std::vector<StreamEvent>> parsePremiumIndex(std::string_view body, int httpStatus,
                                                       const std::string& symbol) const override;
    std::optional<RestRequest> fundingHistoryRequest(const DerivativesQuery& query) const override;
    Result<std::vector<FundingRatePoint>> parseFundingHistory(std::string_view body, int httpStatus) const override;
    std::optional<RestRequest> openInterestHistoryRequest(const DerivativesQuery& query) const override;
    Result<std::vector<OpenInterestPoint>> parseOpenInterestHistory(std::string_view body,
                                                                    int httpStatus) const override;
    // /v5/market/open-interest intervalTime: 5min 15min 30min 1h 4h 1d.
    std::vector<Interval> openInterestPeriods() const override;
    int maxDerivativesLimit() const override { return m_market == MarketType::Perp ? 200 : 0; }

private:
    Result<std::vector<Candle>> parseRows(std::string_view body, int httpStatus) const;
    std::string category() const { return m_market == MarketType::Perp ? "category=linear" : "category=spot"; }
    Endpoints m_endpoints;
    MarketType m_market = MarketType::Spot;
};

}  // namespace cpc::exchange
