#pragma once
#include <map>
#include <memory>
#include <mutex>

#include "cpc/exchange/exchange_adapter.hpp"

namespace cpc::exchange {

// OKX v5 spot market data (REST /api/v5/market/*, /api/v5/public/*; WebSocket /ws/v5/business for
// candles, /ws/v5/public for trades, books and tickers). Pure codec, no sockets. Instruments are
// spelled "BTC-USDT". Docs: https://www.okx.com/docs-v5/en/
//
// Endpoints::streamBase is the common prefix "wss://ws.okx.com:8443/ws/v5"; streamUrl() appends
// "/business" for candle channels and "/public" for the others, so a feed must open one
// connection per distinct streamUrl({spec}). Heartbeat: the text frame "ping" (answered by the text
// "pong") when nothing was received for N < 30 s. Books ("books"): a snapshot (prevSeqId -1), then
// updates whose prevSeqId equals the previous message's seqId; an update is passed on as a
// DepthUpdate with firstUpdateId = prevSeqId + 1 and finalUpdateId = seqId, so Binance's rule
// "first == last + 1" checks OKX's chain. A keep-alive update (seqId == prevSeqId, no levels) has
// final <= last and is dropped as stale; after a sequence reset (seqId < prevSeqId) the next update
// breaks the chain and the book re-syncs.
//
// REST limits per IP (docs-v5, each endpoint's "Rate Limit"): history-candles 20 requests / 2 s,
// candles 40 / 2 s, books 40 / 2 s, instruments 20 / 2 s, time 10 / 2 s. Errors come as
// {"code":"5xxxx","msg":…} (often with HTTP 200); 50011 is "Too Many Requests".
class OkxAdapter final : public ExchangeAdapter {
public:
    static constexpr const char* kProductionRest = "https://www.okx.com";
    static constexpr const char* kProductionStream = "wss://ws.okx.com:8443/ws/v5";

    OkxAdapter() : OkxAdapter(Endpoints{kProductionRest, kProductionStream}) {}
    // MarketType::Perp: perpetual swaps (instType SWAP, instruments "BTC-USDT-SWAP"). Their
    // candles give base volume (volCcy), open interest is read in the base asset (oiCcy); trades,
    // books, tickers' sizes and liquidations count contracts on the wire and are passed on in the
    // base asset: each instrument's contract value (ctVal · ctMult of ctValCcy, 0.01 BTC for
    // BTC-USDT-SWAP) comes from GET /api/v5/public/instruments?instType=SWAP, which the swap codec
    // asks for before every stream connect (streamConnectRequest) — see contractValue().
    explicit OkxAdapter(Endpoints endpoints, MarketType market = MarketType::Spot)
        : m_endpoints(std::move(endpoints)), m_market(market) {}

    std::string name() const override { return "okx"; }
    MarketType market() const override { return m_market; }
    // Instrument ids: BTC-USDT.
    std::string_view symbolPunctuation() const override { return "-"; }
    const Endpoints& endpoints() const override { return m_endpoints; }
    // history-candles: 300 in the current docs, 100 in older ones and SDKs; 100 is safe for both
    // (a page cut to 300 rows answered with 100 would lose 200).
    int maxHistoryLimit() const override { return 100; }

    std::string klineStreamUrl(const std::vector<StreamSpec>& streams) const override;
    std::string streamUrl(const std::vector<StreamSpec>& streams) const override;
    std::string streamName(const StreamSpec& stream) const override;  // "candle1m:BTC-USDT"
    // A data frame starts {"arg":{"channel":…,"instId":…},"data":…}; replies carry an "event".
    // liquidation-orders is subscribed per instType ("liquidation-orders:SWAP"); its data rows name
    // their instId, which is not the stream's.
    // On swaps the MarkPrice stream is two channels: mark-price of the swap and index-tickers of
    // its index ("BTC-USDT"), whose frames belong to "mark-price:BTC-USDT-SWAP".
    std::string streamNameOfFrame(std::string_view frame) const override {
        if (!frameString(frame, "event").empty()) return {};
        const std::string channel = frameString(frame, "channel");
        const std::string instId = channel == "liquidation-orders" ? frameString(frame, "instType")
                                                                   : frameString(frame, "instId");
        if (channel.empty() || instId.empty()) return {};
        if (channel == "index-tickers" && swap()) return "mark-price:" + instId + "-SWAP";
        return channel + ":" + instId;
    }
    std::string subscribeMessage(const std::vector<StreamSpec>& streams, std::int64_t id) const override;
    std::string unsubscribeMessage(const std::vector<StreamSpec>& streams, std::int64_t id) const override;
    std::string listSubscriptionsMessage(std::int64_t id) const override;  // none: empty
    // Our cap (OKX: "use multiple websocket connections each with less than 30 channels" for
    // many 400-level books; args <= 64 KB per connection).
    int maxStreamsPerConnection() const override { return 100; }
    RestRequest historyRequest(const HistoryQuery& query) const override;
    RestRequest depthRequest(const std::string& symbol, int limit) const override;
    Result<DepthSnapshot> parseDepthSnapshot(std::string_view body, int httpStatus,
                                             const std::string& symbol) const override;
    RestRequest exchangeInfoRequest() const override;
    RestRequest serverTimeRequest() const override;

    // Rows carry OKX's own "confirm" flag ("0" forming, "1" completed).
    Result<std::vector<Candle>> parseHistory(std::string_view body, int httpStatus,
                                             std::int64_t serverNowMs) const override;
    Result<std::vector<SymbolInfo>> parseExchangeInfo(std::string_view body, int httpStatus) const override;
    Result<std::int64_t> parseServerTime(std::string_view body, int httpStatus) const override;
    Result<std::vector<StreamEvent>> parseStreamMessage(std::string_view frame) const override;
    std::chrono::milliseconds streamIdleTimeout(Interval interval) const override;

    std::string symbolFor(std::string_view base, std::string_view quote) const override;
    bool isNativeInterval(Interval interval) const override;
    bool streamsInUrl() const override { return false; }
    std::optional<std::string> heartbeatMessage(std::int64_t id) const override;
    std::chrono::milliseconds heartbeatInterval() const override { return std::chrono::seconds(25); }
    // OKX counts each endpoint per IP on its own (v5 reference, "Rate Limit: … Rate limit rule:
    // IP"): the endpoints the feed and the sessions use, each with its window; any other path
    // gets history-candles' 20 requests per 2 s, the tightest of the candle endpoints. Nothing is
    // reported in headers.
    RestRateLimit restRateLimit() const override {
        RestRateLimit limit{20, std::chrono::seconds(2), ""};
        limit.waitHeader.clear();  // a 429 (code 50011) says nothing of when: one window
        const std::chrono::milliseconds two = std::chrono::seconds(2);
        limit.endpoints = {{"/api/v5/market/history-candles", 20, two},
                           {"/api/v5/market/candles", 40, two},
                           {"/api/v5/market/books", 40, two},
                           {"/api/v5/public/instruments", 20, two},
                           {"/api/v5/public/time", 10, two}};
        if (swap()) {
            // Swap-only paths (docs-v5 "Rate limit rule: IP + Instrument ID"; counted per path
            // here, which is never more than the venue allows).
            limit.endpoints.push_back({"/api/v5/public/funding-rate", 10, two});
            limit.endpoints.push_back({"/api/v5/public/funding-rate-history", 10, two});
            limit.endpoints.push_back({"/api/v5/public/open-interest", 20, two});
            limit.endpoints.push_back({"/api/v5/rubik/stat/contracts/open-interest-history", 10, two});
            // Mark and index price candles (exchange/price_klines.hpp): 20 per 2 s, their
            // history- variants 10 per 2 s.
            limit.endpoints.push_back({"/api/v5/market/mark-price-candles", 20, two});
            limit.endpoints.push_back({"/api/v5/market/index-candles", 20, two});
            limit.endpoints.push_back({"/api/v5/market/history-mark-price-candles", 10, two});
            limit.endpoints.push_back({"/api/v5/market/history-index-candles", 10, two});
        }
        return limit;
    }
    // 51000 "Parameter … error", 51001 "Instrument ID does not exist", 50014 "Parameter … can not
    // be empty".
    bool isPermanentError(const Error& error) const override {
        return error.code == 51000 || error.code == 51001 || error.code == 50014;
    }
    // books / books5 channels: a snapshot, then updates chained by prevSeqId/seqId.
    bool depthSnapshotInStream() const override { return true; }
    // Depth: books (depthLevels 0), PartialDepth: books5 (5); BookTicker (bbo-tbt) carries no depth events.
    std::optional<int> depthLevelsOf(const StreamSpec& spec) const override {
        switch (spec.kind) {
            case StreamKind::Depth: return kDiffDepthBook;
            case StreamKind::PartialDepth: return 5;
            default: return std::nullopt;
        }
    }

    // OKX bar spelling: "1s" "1m" … "4H", UTC-aligned "6Hutc" "12Hutc" "1Dutc" "3Dutc" "1Wutc"
    // "1Mutc" (the plain "6H"/"1D"/… are UTC+8-aligned and never used). nullopt for 8h.
    static std::optional<std::string> barCode(Interval interval);
    static std::optional<Interval> parseBarCode(std::string_view code);
    // {"code":"51001","msg":"…","data":[]} (code != "0") or an HTTP error; nullopt on success.
    static std::optional<Error> parseErrorBody(std::string_view body, int httpStatus);

    // ---- perpetual swaps ----
    // mark-price, funding-rate, open-interest (per instrument) and liquidation-orders (every SWAP).
    bool hasStream(const StreamSpec& spec) const override;
    std::optional<RestRequest> premiumIndexRequest(const std::string& symbol) const override;  // /public/funding-rate
    Result<std::vector<StreamEvent>> parsePremiumIndex(std::string_view body, int httpStatus,
                                                       const std::string& symbol) const override;
    std::optional<RestRequest> fundingHistoryRequest(const DerivativesQuery& query) const override;
    Result<std::vector<FundingRatePoint>> parseFundingHistory(std::string_view body, int httpStatus) const override;
    std::optional<RestRequest> openInterestHistoryRequest(const DerivativesQuery& query) const override;
    Result<std::vector<OpenInterestPoint>> parseOpenInterestHistory(std::string_view body,
                                                                    int httpStatus) const override;
    // /rubik/stat/contracts/open-interest-history periods: 5m 15m 30m 1H 2H 4H (and UTC days).
    std::vector<Interval> openInterestPeriods() const override;
    int maxDerivativesLimit() const override { return m_market == MarketType::Perp ? 100 : 0; }

    // ---- contract values (swaps) ----
    // Swaps: GET /api/v5/public/instruments?instType=SWAP before every stream connect (20
    // requests / 2 s per IP), so every frame of the connection is read with the contract values
    // of its time (a listing since the last connect is learnt at the next one). Spot: none.
    std::optional<HttpRequest> streamConnectRequest() const override;
    // Reads the instruments answer into the contract-value table this codec (and its copies) use;
    // the stream URL stays streamUrl()'s (StreamConnectInfo::url empty), the heartbeat the codec's.
    // An error when the answer is an error or lists no swap with a contract value.
    Result<StreamConnectInfo> parseStreamConnect(std::string_view body, int httpStatus,
                                                 std::string_view connectId) const override;
    // One contract of `instId` in the base asset: ctVal · ctMult for a linear swap (ctValCcy = the
    // base). nullopt: not learnt yet, or an inverse swap (its contract is worth ctVal of the quote
    // currency; see baseQuantity()).
    struct ContractValue {
        Decimal value;        // ctVal · ctMult
        bool inverse = false;  // ctType "inverse": `value` is in the quote currency (USD)
    };
    std::optional<ContractValue> contractValue(std::string_view instId) const;
    // `contracts` of `instId` at `price` in the base asset: contracts · ctVal (linear), contracts ·
    // ctVal / price (inverse). nullopt when the instrument's contract value is not known.
    std::optional<Decimal> baseQuantity(std::string_view instId, Decimal contracts, Decimal price) const;

private:
    bool swap() const { return m_market == MarketType::Perp; }
    // The table is shared by copies of the codec and read on any thread.
    struct ContractTable {
        mutable std::mutex mutex;
        std::map<std::string, ContractValue, std::less<>> values;  // by instId
    };
    Endpoints m_endpoints;
    MarketType m_market = MarketType::Spot;
    std::shared_ptr<ContractTable> m_contracts = std::make_shared<ContractTable>();
};

}  // namespace cpc::exchange
