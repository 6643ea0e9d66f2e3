#pragma once
// Mark-price and index-price klines of a perpetual over REST (the history of a chart's mark and
// index lines): a codec like the adapters' (requests to bytes, bytes to candles, no socket), kept
// beside them as agg_trades.hpp is, for the perpetual codecs (MarketType::Perp) of Binance, Bybit
// and OKX. Rows carry prices only: volume, quote volume and trades are zero.
//
// Binance USD-M: GET /fapi/v1/markPriceKlines?symbol=… and /fapi/v1/indexPriceKlines?pair=… (the
// pair: BTCUSDT), interval, startTime, endTime, limit ≤ 1,500 (default 500); weight by limit as
// /fapi/v1/klines (1 below 100, 2 below 500, 5 up to 1,000, 10 above); rows as klines, ascending.
// Bybit linear: GET /v5/market/mark-price-kline and /v5/market/index-price-kline, category=linear,
// symbol, interval (1 3 5 15 30 60 120 240 360 720 D W M), start, end, limit ≤ 1,000 (default
// 200); list rows [startTime, open, high, low, close], newest first.
// OKX swaps: GET /api/v5/market/mark-price-candles?instId=BTC-USDT-SWAP and
// /api/v5/market/index-candles?instId=BTC-USDT (the index), bar, after / before (exclusive),
// limit ≤ 100; the latest 1,440 rows, 20 requests / 2 s; older pages from
// history-mark-price-candles / history-index-candles (10 requests / 2 s); rows [ts, o, h, l, c,
// confirm], newest first.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cpc/core/candle.hpp"
#include "cpc/core/result.hpp"
#include "cpc/exchange/exchange_adapter.hpp"

namespace cpc::exchange {

enum class PriceSeries : std::uint8_t { Mark, Index };

// The most rows a page holds (Binance 1,500, Bybit 1,000, OKX 100); 0 where there are none.
int priceKlinesPageLimit(const ExchangeAdapter& adapter);
// nullopt: not a perpetual codec of Binance, Bybit or OKX, or an interval the venue has no
// native bar for (ExchangeAdapter::nativeSourceInterval gives the one to ask for).
std::optional<RestRequest> priceKlinesRequest(const ExchangeAdapter& adapter, PriceSeries series,
                                              const HistoryQuery& query);
// Ascending by open time; closed from the venue's confirm flag (OKX) or the venue's clock
// (serverNowMs: Binance, Bybit). A venue error body or a malformed row is an Error.
Result<std::vector<Candle>> parsePriceKlines(const ExchangeAdapter& adapter, PriceSeries series,
                                             const HistoryQuery& query, std::string_view body, int httpStatus,
                                             std::int64_t serverNowMs);

}  // namespace cpc::exchange
