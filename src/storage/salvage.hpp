#pragma once
// Copying what can still be read out of a damaged candle database (storage module only; used by
// CandleDatabase::salvage).
#include <sqlite3.h>

#include <string>

#include "cpc/core/result.hpp"
#include "cpc/storage/candle_database.hpp"

namespace cpc::storage::detail {

// Reads series, candles and coverage from `source` (a read-only connection to the damaged file
// at `sourcePath`) and writes every valid row into `target` (an empty, current database),
// filling the counts of `report`.
//
// Tables are walked by key, not scanned: a read that fails with damage (SQLITE_CORRUPT …) skips
// ahead to the next key from which reading works again (galloping seeks, then bisection), so one
// bad page costs only the rows on it. A candle walk that cannot reach past a bad page loses the
// rest of that series. Fails only when `target` cannot be written or a read fails transiently
// (busy, I/O): salvaging then would lose rows that are fine, so it is not done.
Result<Ok> copyReadableRows(sqlite3* source, const std::string& sourcePath,
                            CandleDatabase& target, SalvageReport& report);

}  // namespace cpc::storage::detail
