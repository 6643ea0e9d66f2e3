// Mark-price and index-price klines of the perpetual codecs (cpc/exchange/price_klines.hpp).
#include "cpc/exchange/price_klines.hpp"

#include <algorithm>

#include "common/guarded_parse.hpp"
#include "common/venue_json.hpp"
#include "cpc/core/ascii.hpp"
#include "cpc/exchange/binance/binance_adapter.hpp"
#include "cpc/exchange/bybit/bybit_adapter.hpp"
#include "cpc/exchange/okx/okx_adapter.hpp"

namespace cpc::exchange {

using venue::json;

namespace {

enum class Venue : std::uint8_t { None, Binance, Bybit, Okx };

Venue venueOf(const ExchangeAdapter& a) {
    if (a.market() != MarketType::Perp) return Venue::None;
    const std::string name = a.name();
    if (name == "binance") return Venue::Binance;
    if (name == "bybit") return Venue::Bybit;
    if (name == "okx") return Venue::Okx;
    return Venue::None;
}

// Open time, open, high, low, close from the first five fields of `row`; prices only.
Result<Candle> priceRow(const json& row, std::size_t index) {
    const auto where = [&](const char* what) { return makeError("price kline row " + std::to_string(index) + ": " + what); };
    if (!row.is_array() || row.size() < 5) return where("expected an array of at least 5 fields");
    Candle c;
    const auto t = venue::intOf(row[0]);
    if (!t) return where("the open time is not an integer");
    c.openTime = *t;
    Decimal* prices[] = {&c.open, &c.high, &c.low, &c.close};
    for (std::size_t f = 0; f < 4; ++f) {
        const auto d = venue::decimalOf(row[f + 1]);
        if (!d) return where("a price is not a decimal");
        *prices[f] = *d;
    }
    c.trades = -1;  // an index, not a market: nothing traded
    return c;
}

}  // namespace

int priceKlinesPageLimit(const ExchangeAdapter& adapter) {
    switch (venueOf(adapter)) {
        case Venue::Binance: return 1500;
        case Venue::Bybit: return 1000;
        case Venue::Okx: return 100;
        case Venue::None: break;
    }
    return 0;
}

std::optional<RestRequest> priceKlinesRequest(const ExchangeAdapter& adapter, PriceSeries series,
                                              const HistoryQuery& q) {
    const Venue venue = venueOf(adapter);
    if (venue == Venue::None || !adapter.isNativeInterval(q.interval)) return std::nullopt;
    const int limit = std::clamp(q.limit, 1, priceKlinesPageLimit(adapter));
    const std::string symbol = toUpperAscii(q.symbol);
    const bool mark = series == PriceSeries::Mark;
    if (venue == Venue::Binance) {
        std::string target = std::string(mark ? "/fapi/v1/markPriceKlines?symbol=" : "/fapi/v1/indexPriceKlines?pair=") +
                             symbol + "&interval=" + std::string(toString(q.interval));
        if (q.startTime) target += "&startTime=" + std::to_string(*q.startTime);
        if (q.endTime) target += "&endTime=" + std::to_string(*q.endTime);
        target += "&limit=" + std::to_string(limit);
        return RestRequest{std::move(target), limit < 100 ? 1 : limit < 500 ? 2 : limit <= 1000 ? 5 : 10};
    }
    // Bybit and OKX answer the newest `limit` rows of a range: a forward page from a start is cut
    // to `limit` rows from it.
    std::optional<std::int64_t> end = q.endTime;
    if (q.startTime) {
        const std::int64_t pe = venue::pageEnd(q.interval, *q.startTime, limit);
        end = end ? std::min(*end, pe) : pe;
    }
    if (venue == Venue::Bybit) {
        const auto code = BybitAdapter::intervalCode(q.interval);
        if (!code) return std::nullopt;
        std::string target = std::string(mark ? "/v5/market/mark-price-kline" : "/v5/market/index-price-kline") +
                             "?category=linear&symbol=" + symbol + "&interval=" + *code;
        if (q.startTime) target += "&start=" + std::to_string(*q.startTime);
        if (end) target += "&end=" + std::to_string(*end);
        target += "&limit=" + std::to_string(limit);
        return RestRequest{std::move(target), 1};
    }
    const auto bar = OkxAdapter::barCode(q.interval);
    if (!bar) return std::nullopt;
    // The index of BTC-USDT-SWAP is BTC-USDT. The plain endpoints keep the latest 1,440 rows; a
    // page with a bound reads the history endpoint, which goes back further.
    const std::string instId = mark || !symbol.ends_with("-SWAP") ? symbol : symbol.substr(0, symbol.size() - 5);
    const bool latest = !q.startTime && !q.endTime;
    std::string target = std::string("/api/v5/market/") + (latest ? "" : "history-") +
                         (mark ? "mark-price-candles" : "index-candles") + "?instId=" + instId + "&bar=" + *bar;
    if (end) target += "&after=" + std::to_string(*end + 1);
    if (q.startTime) target += "&before=" + std::to_string(*q.startTime - 1);
    target += "&limit=" + std::to_string(limit);
    return RestRequest{std::move(target), 1};
}

Result<std::vector<Candle>> parsePriceKlines(const ExchangeAdapter& adapter, PriceSeries series,
                                             const HistoryQuery& q, std::string_view body, int httpStatus,
                                             std::int64_t serverNowMs) {
    const Venue venue = venueOf(adapter);
    const char* what = series == PriceSeries::Mark ? "mark price klines" : "index price klines";
    if (venue == Venue::None)
        return makeError(adapter.name() + " " + std::string(toString(adapter.market())) + " has no " + what);
    return venue::guardedParse(what, [&]() -> Result<std::vector<Candle>> {
        const json* rows = nullptr;
        std::optional<json> parsed;
        if (venue == Venue::Binance) {
            if (auto e = BinanceAdapter::parseErrorBody(body, httpStatus)) return *e;
            parsed = json::parse(body, nullptr, false);
            if (!parsed->is_array()) return makeError(std::string(what) + ": response is not an array");
            rows = &*parsed;
        } else if (venue == Venue::Bybit) {
            if (auto e = BybitAdapter::parseErrorBody(body, httpStatus)) return *e;
            parsed = venue::parseObject(body);
            if (!parsed || !parsed->contains("result") || !(*parsed)["result"].is_object() ||
                !(*parsed)["result"].contains("list") || !(*parsed)["result"]["list"].is_array())
                return makeError(std::string(what) + ": no \"result\".\"list\" array");
            rows = &(*parsed)["result"]["list"];
        } else {
            if (auto e = OkxAdapter::parseErrorBody(body, httpStatus)) return *e;
            parsed = venue::parseObject(body);
            if (!parsed || !parsed->contains("data") || !(*parsed)["data"].is_array())
                return makeError(std::string(what) + ": no \"data\" array");
            rows = &(*parsed)["data"];
        }
        std::vector<Candle> out;
        out.reserve(rows->size());
        for (std::size_t i = 0; i < rows->size(); ++i) {
            auto c = priceRow((*rows)[i], i);
            if (!c) return c.error();
            if (venue == Venue::Okx) {
                // [ts, o, h, l, c, confirm]: OKX says itself which row is complete.
                const json& row = (*rows)[i];
                c->closed = row.size() >= 6 && row[5].is_string() && row[5].get<std::string>() == "1";
            } else {
                c->closed = venue::isClosedAt(q.interval, c->openTime, serverNowMs);
            }
            out.push_back(*c);
        }
        return venue::ascendingUnique(std::move(out));
    });
}

}  // namespace cpc::exchange
