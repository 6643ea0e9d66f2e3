#pragma once
// A local copy of one symbol's order book kept in sync from the diff depth stream and a REST
// snapshot, following Binance's documented procedure (spot "How to manage a local order book
// correctly", corrected 2025-11-12):
//   1. buffer the stream's diff events;
//   2. fetch a snapshot; if its lastUpdateId is below the first buffered event's U, fetch again;
//   3. drop buffered events with u <= lastUpdateId; the first applied event must satisfy
//      U <= lastUpdateId + 1 <= u, every later one U == previous u + 1;
//   4. a quantity of 0 removes the level; a gap (missed update ids) means: start again at 1.
// Qt-free and socket-free: the feed drives it on the network thread, tests drive it directly.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <string>

#include "cpc/exchange/events.hpp"

namespace cpc::feed {

class LocalOrderBook {
public:
    enum class Outcome : std::uint8_t {
        Buffered,       // not synced yet: kept for when the snapshot arrives
        Applied,        // the book moved to the event's final update id
        Stale,          // older than the book (u <= lastUpdateId): ignored
        NeedsSnapshot,  // a sequence gap or a snapshot older than the buffer: fetch a snapshot
    };

    static constexpr std::size_t kMaxBuffered = 10'000;

    explicit LocalOrderBook(std::string symbol = {}) : m_symbol(std::move(symbol)) {}

    Outcome onDiff(const exchange::DepthUpdate& diff);
    // Applied: synced (buffered events replayed); NeedsSnapshot: too old or the buffer does not
    // continue it — fetch another snapshot.
    Outcome onSnapshot(const exchange::DepthSnapshot& snapshot);
    // Forget the book and buffer again (after a reconnect: the stream does not replay).
    void reset();
    // The next diff may start before lastUpdateId() + 1 (it must still reach past it): it comes
    // from a second connection of a make-before-break rotation, whose windows are cut
    // differently. It carries the final quantity of every level it covers, so the part already
    // applied is set to the same values again and nothing is missed or counted twice.
    void allowOverlap();

    bool synced() const { return m_synced; }
    std::int64_t lastUpdateId() const { return m_lastUpdateId; }
    const std::string& symbol() const { return m_symbol; }
    std::uint64_t resyncs() const { return m_resyncs; }  // gaps detected so far
    std::size_t buffered() const { return m_buffer.size(); }

    // Best first on both sides; at most `levels` per side.
    exchange::DepthSnapshot snapshot(std::size_t levels = SIZE_MAX) const;
    const std::map<Decimal, Decimal, std::greater<>>& bids() const { return m_bids; }
    const std::map<Decimal, Decimal>& asks() const { return m_asks; }

private:
    void apply(const exchange::DepthUpdate& diff);
    Outcome gap(const exchange::DepthUpdate* keep);

    std::string m_symbol;
    std::map<Decimal, Decimal, std::greater<>> m_bids;
    std::map<Decimal, Decimal> m_asks;
    std::deque<exchange::DepthUpdate> m_buffer;
    std::int64_t m_lastUpdateId = 0;
    bool m_synced = false;
    bool m_firstAfterSnapshot = false;
    bool m_overlapOk = false;
    std::uint64_t m_resyncs = 0;
};

}  // namespace cpc::feed
