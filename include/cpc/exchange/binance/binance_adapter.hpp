#pragma once
#include "cpc/exchange/exchange_adapter.hpp"

namespace cpc::exchange {

// Binance Spot: REST /api/v3 and the kline streams. Pure codec (nlohmann/json), no sockets.
class BinanceAdapter final : public ExchangeAdapter {
public:
    static constexpr const char* kProductionRest = "https://api.binance.com";
    static constexpr const char* kProductionStream = "wss://stream.binance.com:9443";

    BinanceAdapter() : BinanceAdapter(Endpoints{kProductionRest, kProductionStream}) {}
    explicit BinanceAdapter(Endpoints endpoints) : m_endpoints(std::move(endpoints)) {}

    std::string name() const override { return "binance"; }
    const Endpoints& endpoints() const override { return m_endpoints; }
    int maxHistoryLimit() const override { return 1000; }

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

    // Helpers shared with the simulator and the CLI (names and errors; the simulator's encoders
    // are its own, src/sim/wire_binance.cpp).
    static std::string klineStreamName(const std::string& symbol, Interval interval);  // btcusdt@kline_1m
    // A Binance error body {"code":-1121,"msg":"Invalid symbol."} as an Error; nullopt if the
    // body is not one.
    static std::optional<Error> parseErrorBody(std::string_view body, int httpStatus);
    // Stream spec of a Binance stream name ("btcusdt@depth5@100ms"); nullopt when unknown.
    static std::optional<StreamSpec> parseStreamName(std::string_view name);

private:
    Endpoints m_endpoints;
};

}  // namespace cpc::exchange
