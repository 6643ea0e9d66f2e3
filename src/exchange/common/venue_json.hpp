#pragma once
// Helpers shared by the Bybit, OKX and KuCoin codecs (private to src/exchange). Pure functions.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "cpc/core/candle.hpp"
#include "cpc/core/result.hpp"
#include "cpc/exchange/events.hpp"

namespace cpc::exchange::venue {

using nlohmann::json;

// Decimal from a JSON string or number. These venues send some values with more than the 8
// decimals Decimal keeps (KuCoin turnover "3027558.991928447"): extra digits are rounded half
// away from zero, so a value never fails to parse for its precision. "" and non-numbers: nullopt.
std::optional<Decimal> decimalOf(const json& v);
std::optional<Decimal> decimalOf(std::string_view text);
// Integer from a JSON integer or a string of digits ("1670608800000").
std::optional<std::int64_t> intOf(const json& v);
// Decimal places of a step/tick: "0.01" -> 2, "1" -> 0, "0.00000100" -> 6.
int decimalsOf(std::string_view step);

// Sorted by open time, one candle per open time (the first seen wins; venues that answer newest
// first are turned around here).
std::vector<Candle> ascendingUnique(std::vector<Candle> rows);
// A candle opening at openTime is over once its close time is behind the exchange clock.
bool isClosedAt(Interval interval, std::int64_t openTime, std::int64_t serverNowMs);
// For rows whose interval is unknown (parseHistory without the query): every row but the newest
// is closed (a newer one opened); the newest only once the widest spacing seen between rows has
// passed since it opened. Conservative: a gap or a short month keeps it provisional a bit longer,
// never closes a forming candle. `rows` ascending.
void markClosedBySpacing(std::vector<Candle>& rows, std::int64_t serverNowMs);
// [price, size, …] levels of a book side.
Result<std::vector<PriceLevel>> levelsOf(const json& v, const char* what);

// The interval whose venue code (`codeOf`, e.g. Bybit's "60") is `code`; nullopt if none.
template <class CodeOf>
std::optional<Interval> intervalWithCode(std::string_view code, CodeOf codeOf) {
    for (Interval i : kAllIntervals)
        if (const auto c = codeOf(i); c && *c == code) return i;
    return std::nullopt;
}
// Last open time of a page of `limit` rows starting at `start` (venues that answer the newest rows
// of a range need the range cut to one page so paging forward from `start` skips nothing).
std::int64_t pageEnd(Interval interval, std::int64_t start, int limit);

// Parses text as a JSON object; nullopt when it is not one.
std::optional<json> parseObject(std::string_view text);

}  // namespace cpc::exchange::venue
