#pragma once
// Reading and writing klines in the two formats Binance publishes them in, for `cpc aggregate`
// and `cpc export`:
//   json  the REST answer of GET /api/v3/klines: an array of 12-field rows
//         [openTime,"open","high","low","close","volume",closeTime,"quoteVolume",trades,
//          "takerBuyBase","takerBuyQuote","0"]; 6-field rows [t,o,h,l,c,v] are read too.
//   csv   a data.binance.vision archive file: the same 12 columns, no header (a header line is
//         accepted), times in milliseconds before 2025 and microseconds from 2025 on, told apart
//         per row by magnitude (aggregation guide rule 9). Output is always in milliseconds.
// Values stay exact: decimals are parsed from their text, never through a double.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cpc/core/candle.hpp"
#include "cpc/core/result.hpp"

namespace cpc::cli {

enum class KlineFormat : std::uint8_t { Json, Csv };

std::string_view toString(KlineFormat format);
// "json" or "csv"; nullopt for anything else.
std::optional<KlineFormat> parseKlineFormat(std::string_view text);

// One row as read: the candle and the line of the input it started on (1-based), for messages.
struct KlineRow {
    Candle candle;
    std::size_t line = 0;
    // 12 fields: quote volume, trade count and the taker buy volumes are known (6-field rows
    // carry none of them; CVD needs the taker buy volume).
    bool full = true;
};

struct KlineInput {
    KlineFormat format = KlineFormat::Json;
    std::vector<KlineRow> rows;  // in input order
};

// Any time at or above this is in microseconds (year 5138 in ms); data.binance.vision switched
// spot archives to µs on 2025-01-01.
inline constexpr std::int64_t kMicrosecondThreshold = 100'000'000'000'000;

// Parses `text`. format nullopt = detect: JSON when the first non-blank character is '['.
// Errors name `sourceName`, the line (and row), and what is accepted. Candles are marked closed;
// a 12-field row with trade count 0 but volume > 0 (written by a tool that did not know the
// count) is read as "count unknown" (-1) so aggregation still uses its prices.
Result<KlineInput> readKlines(std::string_view text, std::optional<KlineFormat> format,
                              const std::string& sourceName);

// One data.binance.vision CSV line without the newline (times in ms).
std::string klineCsvRow(const Candle& candle, Interval interval);
// One GET /api/v3/klines row as Binance writes it: times as numbers, prices and volumes as strings.
std::string klineJsonRow(const Candle& candle, Interval interval);
// Writes candles of `interval` as a JSON array (one REST row per line) or CSV lines.
void writeKlines(std::ostream& out, std::span<const Candle> candles, Interval interval,
                 KlineFormat format);

// The most `cpc aggregate` and `cpc indicator` read from one input (1 GiB: a month of 1s klines as
// data.binance.vision CSV is about 340 MB); more is refused rather than read until memory runs out.
inline constexpr std::size_t kMaxInputBytes = std::size_t{1} << 30;

// The whole content of `path`, or of standard input for "-", at most `maxBytes`. The error names
// the file: cannot open, is a directory, read error, larger than the limit.
Result<std::string> readTextInput(const std::string& path, std::size_t maxBytes = kMaxInputBytes);

// How messages name an input path: the path, or "<stdin>" for "-".
std::string inputDisplayName(const std::string& path);

// readTextInput + readKlines, rows then sorted by open time. No rows, or two rows with the same
// open time, are errors naming the file (and both lines).
Result<KlineInput> readKlineFile(const std::string& path, std::optional<KlineFormat> format);

// Aggregation as `cpc aggregate` and `cpc export` write it: `source` sorted by open time, of
// interval `from` (which divides `to`). Unless `partial`, only buckets whose whole span lies inside
// [first source open time, last source close time] are kept; rows missing inside a bucket are an
// exchange gap and do not drop it.
std::vector<Candle> aggregateWholeBuckets(std::span<const Candle> source, Interval from, Interval to,
                                          std::int64_t anchor3dMs, bool partial);

}  // namespace cpc::cli
