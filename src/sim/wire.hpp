#pragma once
// The simulator's wire encoders: what each venue sends, written from the venue's documented field
// names and example payloads (tests/fixtures/<venue>), not from the client's decoders in
// src/exchange. The client codecs only decode and build requests; the simulator only encodes. So
// a misread field cannot hide behind an encoder that shares the mistake: tests/sim/wire_*_test.cpp
// parse these payloads with the client adapters and compare their field names and types with the
// venues' real payloads.
#include <cstdint>
#include <string>
#include <vector>

#include "cpc/core/candle.hpp"
#include "cpc/core/interval.hpp"
#include "cpc/exchange/events.hpp"

namespace cpc::sim::wire {

// Binance Spot (https://developers.binance.com/docs/binance-spot-api-docs): prices and quantities
// as strings with 8 decimals, times in ms, the raw stream payloads (without the combined wrapper).
namespace binance {
// One GET /api/v3/klines row: [open time, "open", "high", "low", "close", "volume", close time,
// "quote volume", trades, "taker buy base", "taker buy quote", "0"].
std::string klineRow(const Candle& c, Interval interval);
// <symbol>@kline_<interval>: {"e":"kline","E":…,"s":…,"k":{…,"x":closed,…}}.
std::string klineEvent(const std::string& symbol, Interval interval, const Candle& c, std::int64_t eventTimeMs);
// <symbol>@trade {"e":"trade",…,"t":id,…} or, when t.aggregate, <symbol>@aggTrade {"e":"aggTrade","a":id,"f","l",…}.
std::string tradeEvent(const exchange::TradeTick& t);
// <symbol>@depth: {"e":"depthUpdate","E","s","U","u","b","a"}.
std::string depthUpdateEvent(const exchange::DepthUpdate& d);
// GET /api/v3/depth and <symbol>@depth<N>: {"lastUpdateId","bids","asks"}.
std::string depthSnapshot(const exchange::DepthSnapshot& d);
// <symbol>@bookTicker: {"u","s","b","B","a","A"}.
std::string bookTickerEvent(const exchange::BookTicker& b);
// <symbol>@ticker {"e":"24hrTicker",…} or, when t.mini, <symbol>@miniTicker {"e":"24hrMiniTicker",…}.
std::string tickerEvent(const exchange::Ticker24h& t);
}  // namespace binance

// Bybit v5 spot (https://bybit-exchange.github.io/docs/v5/intro): numbers as short decimal strings,
// times in ms; REST answers wrapped in {"retCode","retMsg","result","retExtInfo","time"}.
namespace bybit {
// GET /v5/market/kline: rows newest first, each [start, open, high, low, close, volume, turnover].
std::string klineList(const std::string& symbol, const std::vector<Candle>& ascending, std::int64_t serverTimeMs,
                      const std::string& category = "spot");
// kline.<intervalCode>.<symbol> push of one candle (end = close time, confirm = closed).
std::string klineEvent(const std::string& intervalCode, const std::string& symbol, Interval interval, const Candle& c,
                       std::int64_t eventTimeMs);
std::string error(int retCode, const std::string& retMsg, std::int64_t serverTimeMs);
// GET /v5/market/time.
std::string serverTime(std::int64_t serverTimeMs);
// The reply to subscribe / unsubscribe / ping: {"success","ret_msg","conn_id","req_id"?,"op"}.
std::string reply(const std::string& op, bool success, const std::string& retMsg, const std::string& reqId);
}  // namespace bybit

// OKX v5 (https://www.okx.com/docs-v5/en/): {"code":"0","msg":"","data":[…]}, every number a string.
namespace okx {
// GET /api/v5/market/history-candles: rows newest first, each
// [ts, o, h, l, c, vol, volCcy, volCcyQuote, confirm].
std::string candles(const std::vector<Candle>& ascending);
// The push of channel `channel` (e.g. "candle1H") for instId.
std::string candleEvent(const std::string& channel, const std::string& instId, const Candle& c);
std::string error(int code, const std::string& msg);
// GET /api/v5/public/time.
std::string time(std::int64_t serverTimeMs);
}  // namespace okx

// KuCoin spot (https://www.kucoin.com/docs): {"code":"200000","data":…}; candle times in seconds,
// push times in nanoseconds.
namespace kucoin {
// GET /api/v1/market/candles: rows newest first, each [time (s), open, close, high, low, volume, turnover].
std::string candles(const std::vector<Candle>& ascending);
// /market/candles:<symbol>_<typeCode> push ("trade.candles.update").
std::string candleEvent(const std::string& symbol, const std::string& typeCode, const Candle& c,
                        std::int64_t eventTimeMs);
// POST /api/v1/bullet-public: a token and one instance server with its ping rules.
std::string bullet(const std::string& token, const std::string& endpoint, std::int64_t pingIntervalMs,
                   std::int64_t pingTimeoutMs);
std::string error(int code, const std::string& msg);
// GET /api/v1/timestamp.
std::string timestamp(std::int64_t serverTimeMs);
// {"id":…,"type":…}: the welcome message, pong and ack.
std::string typed(const std::string& type, const std::string& id);
}  // namespace kucoin

}  // namespace cpc::sim::wire
