#pragma once
// Reading trades for `cpc indicator CVD --trades FILE` (the CVD of trades, orderflow::intrabarCvd).
// Accepted, told apart by the first non-blank character:
//   JSON  one object per line, or a JSON array of them, each one of
//           - a line of `cpc stream --streams trade|aggTrade`: {"type":"trade"|"aggTrade","time":…,
//             "price":"…","quantity":"…","buyerIsMaker":…} (lines of other types — kline, depth… —
//             are skipped: a stream's output may hold several streams);
//           - a row of Binance's GET /api/v3/aggTrades (or /fapi/v1/aggTrades):
//             {"a":…,"p":"…","q":"…","f":…,"l":…,"T":…,"m":…};
//           - a row of Binance's GET /api/v3/trades (historicalTrades):
//             {"id":…,"price":"…","qty":"…","time":…,"isBuyerMaker":…}.
//   CSV   data.binance.vision's trade archives, an optional header line:
//           aggTrades  agg_trade_id,price,quantity,first_trade_id,last_trade_id,transact_time,
//                      is_buyer_maker[,is_best_match]
//           trades     id,price,qty,quote_qty,time,is_buyer_maker[,is_best_match]
//         (told apart per row: the sixth column is the time in aggTrades, true/false in trades);
//         times in milliseconds or microseconds (from 2025 on), told apart by magnitude.
// Prices and quantities are read exactly from their text. A quantity must be positive, a price
// too. The trades are returned in time order; trades of one millisecond keep the input's order
// (the venue's).
#include <string>
#include <string_view>
#include <vector>

#include "cpc/core/result.hpp"
#include "cpc/exchange/events.hpp"

namespace cpc::cli {

// Errors name `sourceName` and the line, and say what is accepted. No trade at all is an error.
Result<std::vector<exchange::TradeTick>> readTrades(std::string_view text, const std::string& sourceName);
// readTextInput (a path, or - for standard input) + readTrades.
Result<std::vector<exchange::TradeTick>> readTradeFile(const std::string& path);

}  // namespace cpc::cli
