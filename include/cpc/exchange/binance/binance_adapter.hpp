#pragma once
#include "cpc/exchange/exchange_adapter.hpp"

namespace cpc::exchange {

// Binance Spot (REST /api/v3, stream.binance.com) or, made with MarketType::Perp, Binance USD-M
// perpetual futures (REST /fapi/v1 on fapi.binance.com, streams on fstream.binance.com routed by
// path: book streams on /public, the others on /market). Pure codec (nlohmann/json), no sockets.
class BinanceAdapter final : public ExchangeAdapter {
public:
    static constexpr const char* kProductionRest = "https://api.binance.com";
    static constexpr const char* kProductionStream = "wss://stream.binance.com:9443";
    static constexpr const char* kPerpProductionRest = "https://fapi.binance.com";
    static constexpr const char* kPerpProductionStream = "wss://fstream.binance.com";

    BinanceAdapter() : BinanceAdapter(Endpoints{kProductionRest, kProductionStream}) {}
    explicit BinanceAdapter(Endpoints endpoints, MarketType market = MarketType::Spot)
        : m_endpoints(std::move(endpoints)), m_market(market) {}

    std::string name() const override { return "binance"; }
    MarketType market() const override { return m_market; }
    const Endpoints& endpoints() const override { return m_endpoints; }
    // USD-M serves up to 1,500 klines a page.
    int maxHistoryLimit() const override { return m_market == MarketType::Perp ? 1500 : 1000; }

    std::string klineStreamUrl(const std::vector<StreamSpec>& streams) const override;
    std::string streamUrl(const std::vector<StreamSpec>& streams) const override;
    std::string streamName(const StreamSpec& stream) const override;
    std::string subscribeMessage(const std::vector<StreamSpec>& streams, std::int64_t id) const override;
    std::string unsubscribeMessage(const std::vector<StreamSpec>& streams, std::int64_t id) const override;
    std::string listSubscriptionsMessage(std::int64_t id) const override;
    int maxStreamsPerConnection() const override { return 1024; }
    RestRequest historyRequest(const HistoryQuery& query) const override;
    // Weight by limit, as Binance: 1-100: 5, 101-500: 25, 501-1000: 50, 1001-5000: 250.
    RestRequest depthRequest(const std::string& symbol, int limit) const override;
    Result<DepthSnapshot> parseDepthSnapshot(std::string_view body, int httpStatus,
                                             const std::string& symbol) const override;
    RestRequest exchangeInfoRequest() const override;
    RestRequest serverTimeRequest() const override;

    Result<std::vector<Candle>> parseHistory(std::string_view body, int httpStatus,
                                             std::int64_t serverNowMs) const override;
    Result<std::vector<SymbolInfo>> parseExchangeInfo(std::string_view body,
                                                      int httpStatus) const override;
    Result<std::int64_t> parseServerTime(std::string_view body, int httpStatus) const override;
    Result<std::vector<StreamEvent>> parseStreamMessage(std::string_view frame) const override;
    std::chrono::milliseconds streamIdleTimeout(Interval interval) const override;
    // USD-M: 2,400 request weight per minute per IP (X-MBX-USED-WEIGHT-1M), 418 bans as on spot.
    RestRateLimit restRateLimit() const override {
        RestRateLimit limit;
        if (m_market == MarketType::Perp) limit.weight = 2400;
        return limit;
    }

    // ---- USD-M perpetuals ----
    // "/public" (depth, partial depth, bookTicker) or "/market" (everything else).
    std::string connectionGroup(const StreamSpec& spec) const override;
    bool hasStream(const StreamSpec& spec) const override;
    std::optional<RestRequest> premiumIndexRequest(const std::string& symbol) const override;
    Result<std::vector<StreamEvent>> parsePremiumIndex(std::string_view body, int httpStatus,
                                                       const std::string& symbol) const override;
    std::optional<RestRequest> openInterestRequest(const std::string& symbol) const override;
    Result<OpenInterestUpdate> parseOpenInterest(std::string_view body, int httpStatus,
                                                 const std::string& symbol) const override;
    // GET /fapi/v1/openInterest weighs 1: a poll every 3 s is 20 weight a minute of 2,400.
    std::chrono::milliseconds openInterestPollInterval() const override {
        return m_market == MarketType::Perp ? std::chrono::seconds(3) : std::chrono::milliseconds(0);
    }
    std::optional<RestRequest> fundingHistoryRequest(const DerivativesQuery& query) const override;
    Result<std::vector<FundingRatePoint>> parseFundingHistory(std::string_view body, int httpStatus) const override;
    std::optional<RestRequest> openInterestHistoryRequest(const DerivativesQuery& query) const override;
    Result<std::vector<OpenInterestPoint>> parseOpenInterestHistory(std::string_view body,
                                                                    int httpStatus) const override;
    // /futures/data/openInterestHist periods: 5m 15m 30m 1h 2h 4h 6h 12h 1d.
    std::vector<Interval> openInterestPeriods() const override;
    int maxDerivativesLimit() const override { return m_market == MarketType::Perp ? 500 : 0; }

    // Helpers shared with the simulator and the CLI (names and errors; the simulator's encoders
    // are its own, src/sim/wire_binance.cpp).
    static std::string klineStreamName(const std::string& symbol, Interval interval);  // btcusdt@kline_1m
    // A Binance error body {"code":-1121,"msg":"Invalid symbol."} as an Error; nullopt if the
    // body is not one.
    static std::optional<Error> parseErrorBody(std::string_view body, int httpStatus);
    // Stream spec of a Binance stream name ("btcusdt@depth5@100ms"); nullopt when unknown.
    static std::optional<StreamSpec> parseStreamName(std::string_view name);

private:
    bool perp() const { return m_market == MarketType::Perp; }
    Endpoints m_endpoints;
    MarketType m_market = MarketType::Spot;
};

}  // namespace cpc::exchange
