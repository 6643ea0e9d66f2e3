#pragma once
// SQLite cache of a venue's aggregate trades (the footprint's older bars, fetched over REST): one
// file holds every (venue, market, symbol) the app fetched, each with the time ranges it holds
// completely, so a range fetched once is read from disk after a restart instead of asked again.
//
// Exact: prices and quantities are stored as the Decimal strings they were parsed from. A batch is
// checked before anything is written (a trade outside its range, a non-positive price or quantity,
// ids out of order or a first id past the last): a bad batch is refused whole and what the file
// held stays as it was. A damaged file (not a database, a failed check, tables that are not ours)
// is handled like the candle cache's: moved aside to "<path>.corrupt-<UTC time>" (kept, never
// deleted), the rows that can still be read copied into a fresh file — a symbol's coverage only
// when every one of its trades was read, so what was lost is fetched again.
//
// Owned by one thread; not safe to call from two at once. Errors name the file and what failed.
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "cpc/core/result.hpp"
#include "cpc/exchange/events.hpp"

namespace cpc::storage {

struct AggTradeKey {
    std::string venue;   // "binance"
    std::string market;  // "spot", "perp"
    std::string symbol;  // "BTCUSDT"
};

struct TimeRange {
    std::int64_t fromMs = 0;  // inclusive
    std::int64_t toMs = 0;    // exclusive
    bool operator==(const TimeRange&) const = default;
};

class AggTradeCache {
public:
    static constexpr int kSchemaVersion = 1;

    // Opens (creating if missing). A damaged file is salvaged as described above and *notice (if
    // given) says what was kept and where the old file is; otherwise *notice is emptied. A file
    // from a newer build, a locked file or an unreadable directory is an error, the file untouched.
    static Result<AggTradeCache> open(const std::string& path, std::string* notice = nullptr);

    AggTradeCache(AggTradeCache&&) noexcept;
    AggTradeCache& operator=(AggTradeCache&&) noexcept;
    AggTradeCache(const AggTradeCache&) = delete;
    AggTradeCache& operator=(const AggTradeCache&) = delete;
    ~AggTradeCache();

    const std::string& path() const;

    // Stores `trades` as every aggregate trade of [range.fromMs, range.toMs) and marks the range
    // held, in one transaction (merged with the ranges held already). Refused whole, nothing
    // written, when a trade is not valid (see above) or the range is empty.
    Result<Ok> store(const AggTradeKey& key, TimeRange range, std::span<const exchange::TradeTick> trades);
    // The stored trades with a time in [fromMs, toMs), ascending by id.
    Result<std::vector<exchange::TradeTick>> load(const AggTradeKey& key, std::int64_t fromMs, std::int64_t toMs) const;
    // The ranges held completely, merged, ascending.
    Result<std::vector<TimeRange>> coverage(const AggTradeKey& key) const;
    // The parts of [fromMs, toMs) not held, ascending.
    Result<std::vector<TimeRange>> missing(const AggTradeKey& key, std::int64_t fromMs, std::int64_t toMs) const;

    struct Impl;  // the connection (agg_trade_cache.cpp)

private:
    explicit AggTradeCache(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

}  // namespace cpc::storage
