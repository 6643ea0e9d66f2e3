#pragma once
// What every user of a REST history answer (MarketFeed, cpc fetch) checks before it takes the
// rows: a venue's codec says which rows are closed (by the venue's clock or its own flag), but a
// hostile or broken answer must not put a candle into the cache as closed when it is not.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cpc/core/candle.hpp"
#include "cpc/core/interval.hpp"
#include "cpc/core/result.hpp"
#include "cpc/core/time.hpp"

namespace cpc::exchange {

// `rows` (ascending, of `interval`) as they may be taken:
// - an open time off the interval's boundaries (3d: off a day's start; its anchor is the listing
//   day) makes the whole answer an error: its rows are not what was asked for;
// - a row marked closed whose close time has not passed by `closedBeforeMs` is provisional: the
//   candle is still forming (OKX's own "confirm" flag wrong, or a clock that ran ahead of the
//   rows), so it is re-checked later instead of being saved as final.
// `closedBeforeMs`: the venue's clock now (MarketFeed); cpc fetch, which records what it stores as
// complete for good, passes the earlier of the venue's and this computer's clock.
inline Result<std::vector<Candle>> checkHistoryRows(std::vector<Candle> rows, Interval interval,
                                                    std::int64_t closedBeforeMs, std::string_view venue) {
    const Interval grid = interval == Interval::D3 ? Interval::D1 : interval;
    for (Candle& c : rows) {
        if (!isAligned(grid, c.openTime))
            return makeError(std::string(venue) + " answered a " + std::string(toString(interval)) +
                             " candle opening at " + formatUtc(c.openTime, true) +
                             ", which is not on the interval's boundaries; the answer was not used");
        if (c.closed && closeTime(interval, c.openTime) >= closedBeforeMs) c.closed = false;
    }
    return rows;
}

}  // namespace cpc::exchange
