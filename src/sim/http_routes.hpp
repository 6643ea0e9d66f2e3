#pragma once
// The simulator's REST side as a route table: each route is a path, a request weight and a pure
// handler (model + exchange time + query → reply). No sockets here, so handlers are easy to extend
// (ticker/24hr, depth, fault injection such as 429/418) and to test.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cpc/core/result.hpp"
#include "cpc/sim/market_model.hpp"
#include "cpc/sim/order_book_model.hpp"

namespace cpc::sim {

struct HttpReply {
    int status = 200;
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;  // extra headers
    int weight = -1;  // >= 0: this request's weight when it depends on the parameters (depth limit)
};

// A request target split into its path and percent-decoded query parameters (in order).
struct ParsedTarget {
    std::string path;
    std::vector<std::pair<std::string, std::string>> params;

    std::optional<std::string> param(std::string_view name) const;
    bool hasDuplicates() const;
};

Result<ParsedTarget> parseTarget(std::string_view target);
std::string percentDecode(std::string_view text, bool plusIsSpace);

struct RestContext {
    const MarketModel& model;
    std::int64_t nowMs;
    const ParsedTarget& target;
    const OrderBookModel* book = nullptr;  // GET /api/v3/depth, /ticker/24hr
};

struct RestRoute {
    std::string path;
    int weight = 1;
    std::function<HttpReply(const RestContext&)> handler;
    std::string method = "GET";  // KuCoin's bullet-public is a POST
    // The query parameters that bound a candle route's time range (SimFault::RestWrongRange
    // answers as if they were absent: the newest page, whatever range was asked).
    std::vector<std::string> rangeParams = {};
};

class RestRouter {
public:
    void add(RestRoute route);
    const RestRoute* find(std::string_view path) const;
    std::vector<std::string> paths() const;

private:
    std::vector<RestRoute> m_routes;
};

// Binance's error body {"code":-1121,"msg":"Invalid symbol."}, HTTP 400 unless told otherwise.
HttpReply binanceError(int code, const std::string& msg, int status = 400);

// GET /api/v3/klines, /uiKlines, /exchangeInfo, /time, /ping, /depth, /ticker/24hr.
RestRouter makeBinanceRoutes();

// The minute (epoch ms / 60,000) whose trades hold trade id `id` of the model (ids are
// minute·1000 + rank, stretched after the live load's start): where a walk by id begins.
std::int64_t minuteOfTradeId(const MarketModel& model, std::int64_t id);

}  // namespace cpc::sim
