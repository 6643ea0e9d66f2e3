#include "cpc/sim/market_model.hpp"

#include "deterministic_hash.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <memory>
#include <mutex>
#include <numbers>
#include <stdexcept>
#include <unordered_map>

#include "cpc/core/arith.hpp"
#include "cpc/core/time.hpp"
#include "cpc/market/aggregate.hpp"

namespace cpc::sim {

namespace {

// ---------------------------------------------------------------------------------------------
// Deterministic randomness: every random quantity is drawn from a generator seeded by a hash of
// (model seed, symbol, what, index). No state carries over between minutes or days, so any
// minute can be generated on its own and always comes out the same.

using detail::fnv1a;
using detail::splitmix;

constexpr std::uint64_t hashKey(std::uint64_t a, std::uint64_t b, std::int64_t c) {
    return splitmix(a ^ splitmix(b ^ splitmix(static_cast<std::uint64_t>(c))));
}

constexpr std::uint64_t kSaltAnchors = 0x616E63686F7273ull;  // "anchors"
constexpr std::uint64_t kSaltPath = 0x70617468ull;           // "path"
constexpr std::uint64_t kSaltTrades = 0x747261646573ull;     // "trades"
constexpr std::uint64_t kSaltLive = 0x6C697665ull;           // "live"

class Rng {
public:
    explicit Rng(std::uint64_t seed) : m_state(seed) {}
    std::uint64_t next() {
        m_state += 0x9E3779B97F4A7C15ull;
        std::uint64_t z = m_state;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    // (0, 1]: never 0, so log() is safe.
    double uniform() { return (static_cast<double>(next() >> 11) + 1.0) * 0x1.0p-53; }
    double normal() {  // Box-Muller, both values used
        if (m_hasSpare) {
            m_hasSpare = false;
            return m_spare;
        }
        const double r = std::sqrt(-2.0 * std::log(uniform()));
        const double a = 2.0 * std::numbers::pi * uniform();
        m_spare = r * std::sin(a);
        m_hasSpare = true;
        return r * std::cos(a);
    }

private:
    std::uint64_t m_state;
    double m_spare = 0;
    bool m_hasSpare = false;
};

constexpr std::int64_t pow10(int n) {
    std::int64_t v = 1;
    for (int i = 0; i < n; ++i) v *= 10;
    return v;
}

constexpr std::int32_t kLiveSeqBase = 1024;  // live trades sort after the historical ones of a ms

constexpr int kMinutesPerDay = 1440;
constexpr int kMaxTradesPerMinute = 999;  // trade ids are minute·1000 + rank

// One generated trade inside its minute. Ordering key (offsetMs, seq): seq is the generation
// index and breaks ties between trades in the same millisecond (live trades: kLiveSeqBase + their
// index within the millisecond, so they follow the historical trades of that millisecond).
struct RawTrade {
    std::int32_t offsetMs;
    std::int32_t seq;
    std::int64_t priceTicks;
    std::int64_t qtySteps;
    bool buyerIsMaker;
    std::int64_t key() const { return static_cast<std::int64_t>(offsetMs) * 65536 + seq; }
};

// Minute-boundary prices of one UTC day: path[i] is the price at minute i (0..1440).
using DayPath = std::array<double, kMinutesPerDay + 1>;

// Running sums of a candle in integer units (ticks, steps, ticks·steps).
struct CandleAcc {
    std::int64_t n = 0;
    std::int64_t openKey = 0, closeKey = 0;
    std::int64_t open = 0, high = 0, low = 0, close = 0;
    Int128 volume = 0, quote = 0, takerBase = 0, takerQuote = 0;

    void add(const RawTrade& t) {
        const std::int64_t k = t.key();
        if (n == 0) {
            open = high = low = close = t.priceTicks;
            openKey = closeKey = k;
        } else {
            if (k < openKey) {
                openKey = k;
                open = t.priceTicks;
            }
            if (k > closeKey) {
                closeKey = k;
                close = t.priceTicks;
            }
            high = std::max(high, t.priceTicks);
            low = std::min(low, t.priceTicks);
        }
        ++n;
        const Int128 q = static_cast<Int128>(t.priceTicks) * t.qtySteps;
        volume += t.qtySteps;
        quote += q;
        if (!t.buyerIsMaker) {  // the buyer took liquidity: a taker buy
            takerBase += t.qtySteps;
            takerQuote += q;
        }
    }

    // Folds another accumulator of the same minute (keys are comparable) into this one.
    void merge(const CandleAcc& o) {
        if (o.n == 0) return;
        if (n == 0) {
            *this = o;
            return;
        }
        if (o.openKey < openKey) {
            openKey = o.openKey;
            open = o.open;
        }
        if (o.closeKey > closeKey) {
            closeKey = o.closeKey;
            close = o.close;
        }
        high = std::max(high, o.high);
        low = std::min(low, o.low);
        n += o.n;
        volume += o.volume;
        quote += o.quote;
        takerBase += o.takerBase;
        takerQuote += o.takerQuote;
    }
};

// ---------------------------------------------------------------------------------------------

struct SymbolState {
    SimSymbol def;
    std::uint64_t key = 0;
    std::int64_t listingDay = 0;
    std::int64_t listingMinute = 0;
    std::int64_t priceUnit = 1;  // Decimal units per tick
    std::int64_t qtyUnit = 1;    // Decimal units per step
    std::int64_t quoteUnit = 1;  // Decimal units per tick·step
    double ticksPerPrice = 1, stepsPerQty = 1;
    double poissonL = 0;  // exp(-λ)
    std::int64_t listingTicks = 1;

    // Guarded by mutex: the daily anchor walk (extended lazily, always in the same order, so it
    // does not depend on which day was asked first) and the cache of closed 1d candles.
    mutable std::mutex mutex;
    mutable std::vector<double> logAnchors;
    mutable Rng anchorRng{0};
    mutable std::unordered_map<std::int64_t, Candle> dayCache;
    // The day paths used last (also guarded by mutex). Every live kline push reads today's path
    // twice (the previous close, then the candle), and computing one costs ~1,440 normal samples
    // and 1,441 exp() calls (~40 µs): without this the simulator saturated near 6,000 pushes/s.
    mutable std::array<std::pair<std::int64_t, std::shared_ptr<const DayPath>>, 4> pathCache{};
    mutable std::size_t pathCacheNext = 0;

    Decimal price(std::int64_t ticks) const { return Decimal::fromUnits(static_cast<Int128>(ticks) * priceUnit); }
    std::int64_t ticksOf(Decimal d) const { return static_cast<std::int64_t>(d.units() / priceUnit); }

    double logAnchor(std::int64_t dayIndexFromListing) const {
        std::lock_guard lock(mutex);
        const double home = std::log(def.startPrice);
        while (static_cast<std::int64_t>(logAnchors.size()) <= dayIndexFromListing) {
            const double last = logAnchors.back();
            const double v = def.volatility;
            // Geometric random walk with a weak pull towards the listing price, so decades of
            // simulated history stay in a plausible range for the tick size.
            logAnchors.push_back(last + v * anchorRng.normal() - 0.5 * v * v - 0.002 * (last - home));
        }
        return logAnchors[static_cast<std::size_t>(dayIndexFromListing)];
    }

    void dayPath(std::int64_t day, DayPath& path) const {
        const double a0 = logAnchor(day - listingDay);
        const double a1 = logAnchor(day - listingDay + 1);
        Rng rng(hashKey(key, kSaltPath, day));
        // Brownian bridge from a0 to a1: free walk W, then subtract the straight line to W(end).
        std::array<double, kMinutesPerDay + 1> w;
        w[0] = 0;
        const double step = 0.8 * def.volatility / std::sqrt(static_cast<double>(kMinutesPerDay));
        for (int i = 1; i <= kMinutesPerDay; ++i) w[i] = w[i - 1] + step * rng.normal();
        for (int i = 0; i <= kMinutesPerDay; ++i) {
            const double f = static_cast<double>(i) / kMinutesPerDay;
            path[static_cast<std::size_t>(i)] = std::exp(a0 + f * (a1 - a0) + w[i] - f * w[kMinutesPerDay]);
        }
    }

    // dayPath(day) from the cache, computed (outside the lock: logAnchor takes it) on a miss.
    std::shared_ptr<const DayPath> sharedDayPath(std::int64_t day) const {
        {
            std::lock_guard lock(mutex);
            for (const auto& [cached, path] : pathCache)
                if (path && cached == day) return path;
        }
        auto path = std::make_shared<DayPath>();
        dayPath(day, *path);
        std::lock_guard lock(mutex);
        pathCache[pathCacheNext] = {day, path};
        pathCacheNext = (pathCacheNext + 1) % pathCache.size();
        return path;
    }

    // The minute lies in one of the symbol's no-trade windows.
    bool quiet(std::int64_t minute) const {
        const std::int64_t t = minute * kMinuteMs;
        for (const auto& [from, to] : def.quietWindows)
            if (t >= from && t < to) return true;
        return false;
    }

    // The trades of one minute (minute index since the epoch), in generation order.
    void minuteTrades(const DayPath& path, std::int64_t minute, std::vector<RawTrade>& out) const {
        out.clear();
        if (minute < listingMinute || quiet(minute)) return;
        Rng rng(hashKey(key, kSaltTrades, minute));
        const double lambda = def.tradesPerMinute;
        int n = 0;
        if (lambda <= 0) {
            n = 0;
        } else if (lambda < 60) {  // Knuth's Poisson sampler
            double p = rng.uniform();
            while (p > poissonL && n < kMaxTradesPerMinute) {
                ++n;
                p *= rng.uniform();
            }
        } else {  // normal approximation for busy symbols
            n = static_cast<int>(std::llround(lambda + std::sqrt(lambda) * rng.normal()));
            n = std::clamp(n, 0, kMaxTradesPerMinute);
        }
        const auto m = static_cast<std::size_t>(minute - floorDiv(minute, kMinutesPerDay) * kMinutesPerDay);
        const double p0 = path[m];
        const double p1 = path[m + 1];
        const double sigma = p0 * 0.6 * def.volatility / std::sqrt(static_cast<double>(kMinutesPerDay));
        // Rising minutes see more aggressive buyers (taker buys, i.e. buyer is not the maker).
        const std::uint64_t makerThreshold = p1 >= p0 ? 0x6000 : 0xA000;  // of 0x10000
        for (int i = 0; i < n; ++i) {
            const std::uint64_t r1 = rng.next();
            const std::uint64_t r2 = rng.next();
            const auto offset = static_cast<std::int32_t>(((r1 & 0xFFFFFFFFull) * 60000ull) >> 32);
            out.push_back(shapeTrade(p0, p1, sigma, makerThreshold, offset, i, r1, r2));
        }
    }

    // Side, price (on the minute's path plus noise) and size of a trade from two random words.
    RawTrade shapeTrade(double p0, double p1, double sigma, std::uint64_t makerThreshold, std::int32_t offset,
                        std::int32_t seq, std::uint64_t r1, std::uint64_t r2, double sizeScale = 1.0) const {
        const bool maker = ((r1 >> 32) & 0xFFFFull) < makerThreshold;
        // Irwin-Hall(4) noise: mean 2, variance 1/3; centred and scaled to unit variance.
        const double ih = static_cast<double>((r2 & 0xFFFF) + ((r2 >> 16) & 0xFFFF) + ((r2 >> 32) & 0xFFFF) +
                                              ((r2 >> 48) & 0xFFFF)) /
                          65536.0;
        const double noise = (ih - 2.0) * 1.7320508075688772;
        const double price = p0 + (p1 - p0) * (offset / 60000.0) + sigma * noise;
        const std::int64_t ticks = std::max<std::int64_t>(1, std::llround(price * ticksPerPrice));
        const double u = static_cast<double>((r1 >> 48) + 1) / 65536.0;
        const double qty = def.meanQuantity * sizeScale * 3.0 * u * u;  // mean meanQuantity, long tail
        const std::int64_t steps = std::max<std::int64_t>(1, std::llround(qty * stepsPerQty));
        return RawTrade{offset, seq, ticks, steps, maker};
    }

    // ---- Live load -----------------------------------------------------------------------------
    // Virtual live trades: index k lies in second k / n at millisecond (k mod n)·1000 / n of it
    // (n per second, evenly spread). Those with k >= liveK0 (at or after liveFromMs) exist; each
    // is a pure function of k, so any range is generated on its own.
    std::int64_t liveN = 0;  // trades per second; 0: off
    std::int64_t liveFromMs = 0;
    std::int64_t liveK0 = 0;
    std::int64_t liveStartMinute = 0;
    static constexpr std::size_t kMaxCachedSeconds = 200'000;
    mutable std::mutex liveMutex;
    mutable std::unordered_map<std::int64_t, CandleAcc> liveSeconds;  // whole seconds (pure: never stale)

    bool live() const { return liveN > 0; }
    // Number of virtual live trades before time t.
    std::int64_t liveF(std::int64_t t) const {
        const std::int64_t sec = floorDiv(t, kSecondMs);
        const std::int64_t d = t - sec * kSecondMs;
        return sec * liveN + (d * liveN + kSecondMs - 1) / kSecondMs;
    }
    std::int64_t liveTime(std::int64_t k) const {
        const std::int64_t sec = floorDiv(k, liveN);
        return sec * kSecondMs + (k - sec * liveN) * kSecondMs / liveN;
    }
    // Index of the first existing live trade at or after t.
    std::int64_t liveFirstAt(std::int64_t t) const { return std::max(liveK0, liveF(t)); }
    // Trade ids: minute·1000 + rank, stretched after the live start so a live minute fits.
    std::int64_t idBase(std::int64_t minute) const {
        if (!live() || minute <= liveStartMinute) return minute * 1000;
        return liveStartMinute * 1000 + (minute - liveStartMinute) * MarketModel::kLiveIdStride;
    }

    RawTrade liveTrade(const DayPath& path, std::int64_t minute, std::int64_t k) const {
        const std::int64_t t = liveTime(k);
        const auto m = static_cast<std::size_t>(minute - floorDiv(minute, kMinutesPerDay) * kMinutesPerDay);
        const double p0 = path[m];
        const double p1 = path[m + 1];
        // A twentieth of the historical trades' noise: thousands of trades a second stay within a
        // few ticks of each other (and the order book's mid does not jump hundreds of ticks).
        const double sigma = p0 * 0.03 * def.volatility / std::sqrt(static_cast<double>(kMinutesPerDay));
        const std::uint64_t makerThreshold = p1 >= p0 ? 0x6000 : 0xA000;
        const std::uint64_t r1 = hashKey(key, kSaltLive, k);
        const std::uint64_t r2 = splitmix(r1 ^ kSaltLive);
        // Sized so the live trades together trade about as much as the historical ones do in the
        // same time: the forming candle's volume stays in scale with the history's (at 1,000
        // trades a second they would otherwise trade hundreds of times more).
        const double sizeScale =
            std::min(1.0, def.tradesPerMinute / (60.0 * static_cast<double>(liveN)));
        return shapeTrade(p0, p1, sigma, makerThreshold, static_cast<std::int32_t>(t - minute * kMinuteMs),
                          static_cast<std::int32_t>(kLiveSeqBase + (k - liveF(t))), r1, r2, sizeScale);
    }

    // Live trades with time in [a, b), all inside `minute`.
    void addLive(const DayPath& path, std::int64_t minute, std::int64_t a, std::int64_t b, CandleAcc& acc) const {
        const std::int64_t end = liveF(b);
        for (std::int64_t k = liveFirstAt(a); k < end; ++k) acc.add(liveTrade(path, minute, k));
    }

    CandleAcc wholeLiveSecond(const DayPath& path, std::int64_t minute, std::int64_t sec) const {
        {
            std::lock_guard lock(liveMutex);
            if (auto it = liveSeconds.find(sec); it != liveSeconds.end()) return it->second;
        }
        CandleAcc acc;
        addLive(path, minute, sec * kSecondMs, (sec + 1) * kSecondMs, acc);
        std::lock_guard lock(liveMutex);
        if (liveSeconds.size() >= kMaxCachedSeconds) liveSeconds.clear();
        liveSeconds.emplace(sec, acc);
        return acc;
    }

    // The live part of a candle: live trades with time in [a, b), inside `minute`.
    CandleAcc liveAcc(const DayPath& path, std::int64_t minute, std::int64_t a, std::int64_t b) const {
        CandleAcc acc;
        if (!live() || b <= liveFromMs) return acc;
        std::int64_t t = std::max(a, liveFromMs);
        while (t < b) {
            const std::int64_t sec = floorDiv(t, kSecondMs);
            const std::int64_t secEnd = (sec + 1) * kSecondMs;
            if (t == sec * kSecondMs && secEnd <= b)
                acc.merge(wholeLiveSecond(path, minute, sec));
            else
                addLive(path, minute, t, std::min(b, secEnd), acc);
            t = std::min(b, secEnd);
        }
        return acc;
    }

    Candle toCandle(std::int64_t openTime, const CandleAcc& acc, std::int64_t prevCloseTicks, bool closed) const {
        Candle c;
        c.openTime = openTime;
        c.closed = closed;
        if (acc.n == 0) {  // Binance: flat at the previous close, zero volume, n = 0
            c.open = c.high = c.low = c.close = price(prevCloseTicks);
            return c;
        }
        c.open = price(acc.open);
        c.high = price(acc.high);
        c.low = price(acc.low);
        c.close = price(acc.close);
        c.volume = Decimal::fromUnits(acc.volume * qtyUnit);
        c.quoteVolume = Decimal::fromUnits(acc.quote * quoteUnit);
        c.trades = acc.n;
        c.takerBuyBase = Decimal::fromUnits(acc.takerBase * qtyUnit);
        c.takerBuyQuote = Decimal::fromUnits(acc.takerQuote * quoteUnit);
        return c;
    }
};

// Keeps the path of the day last used (requests walk minutes in order).
class PathCursor {
public:
    explicit PathCursor(const SymbolState& s) : m_s(s) {}
    const DayPath& get(std::int64_t day) {
        if (day != m_day || !m_path) {
            m_path = m_s.sharedDayPath(day);
            m_day = day;
        }
        return *m_path;
    }

private:
    const SymbolState& m_s;
    std::int64_t m_day = INT64_MIN;
    std::shared_ptr<const DayPath> m_path;
};

}  // namespace

// ---------------------------------------------------------------------------------------------

struct MarketModel::Impl {
    std::uint64_t seed;
    LiveTrades live;
    std::vector<SimSymbol> symbols;
    std::vector<std::unique_ptr<SymbolState>> states;

    const SymbolState* state(const std::string& symbol) const {
        for (const auto& s : states)
            if (s->def.symbol == symbol) return s.get();
        return nullptr;
    }

    // Price of the last trade strictly before tMs (the listing price before any trade).
    std::int64_t lastTicksBefore(const SymbolState& s, std::int64_t tMs) const {
        if (tMs <= s.def.listingMs) return s.listingTicks;
        PathCursor paths(s);
        std::vector<RawTrade> buf;
        // The newest live trade before tMs, if any: older minutes cannot hold a later trade.
        std::optional<RawTrade> liveLast;
        std::int64_t liveMinute = INT64_MIN;
        if (s.live() && s.liveF(tMs) - 1 >= s.liveK0) {
            const std::int64_t k = s.liveF(tMs) - 1;
            liveMinute = floorDiv(s.liveTime(k), kMinuteMs);
            liveLast = s.liveTrade(paths.get(floorDiv(liveMinute, kMinutesPerDay)), liveMinute, k);
        }
        for (std::int64_t m = floorDiv(tMs - 1, kMinuteMs); m >= s.listingMinute; --m) {
            if (liveLast && m < liveMinute) return liveLast->priceTicks;
            const std::int64_t day = floorDiv(m, kMinutesPerDay);
            const bool lastOfDay = m == day * kMinutesPerDay + kMinutesPerDay - 1;
            if (lastOfDay && (day + 1) * kDayMs <= tMs) {
                std::lock_guard lock(s.mutex);
                if (auto it = s.dayCache.find(day); it != s.dayCache.end()) return s.ticksOf(it->second.close);
            }
            s.minuteTrades(paths.get(day), m, buf);
            const std::int64_t cutoff = tMs - m * kMinuteMs;  // offsets < cutoff are before tMs
            const RawTrade* last = nullptr;
            for (const RawTrade& t : buf)
                if (t.offsetMs < cutoff && (!last || t.key() > last->key())) last = &t;
            if (liveLast && m == liveMinute && (!last || liveLast->key() > last->key())) return liveLast->priceTicks;
            if (last) return last->priceTicks;
        }
        return s.listingTicks;
    }

    // 1m candles of minutes [first, last] (indices since the epoch), all >= listing and with
    // last <= the minute containing nowMs.
    void minuteCandles(const SymbolState& s, std::int64_t first, std::int64_t last, std::int64_t nowMs,
                       std::vector<Candle>& out) const {
        if (first > last) return;
        std::int64_t prev = lastTicksBefore(s, first * kMinuteMs);
        PathCursor paths(s);
        std::vector<RawTrade> buf;
        buf.reserve(64);
        for (std::int64_t m = first; m <= last; ++m) {
            const DayPath& path = paths.get(floorDiv(m, kMinutesPerDay));
            s.minuteTrades(path, m, buf);
            const std::int64_t cutoff = nowMs - m * kMinuteMs;  // include offsets <= cutoff
            CandleAcc acc;
            if (cutoff >= kMinuteMs - 1) {
                for (const RawTrade& t : buf) acc.add(t);
            } else {
                for (const RawTrade& t : buf)
                    if (t.offsetMs <= cutoff) acc.add(t);
            }
            if (s.live()) acc.merge(s.liveAcc(path, m, m * kMinuteMs, std::min((m + 1) * kMinuteMs, nowMs + 1)));
            const bool closed = (m + 1) * kMinuteMs <= nowMs;
            out.push_back(s.toCandle(m * kMinuteMs, acc, prev, closed));
            if (acc.n > 0) prev = acc.close;
        }
    }

    // 1s candles of seconds [first, last] (indices since the epoch).
    void secondCandles(const SymbolState& s, std::int64_t first, std::int64_t last, std::int64_t nowMs,
                       std::vector<Candle>& out) const {
        if (first > last) return;
        std::int64_t prev = lastTicksBefore(s, first * kSecondMs);
        PathCursor paths(s);
        std::vector<RawTrade> buf;
        std::int64_t loadedMinute = INT64_MIN;
        for (std::int64_t sec = first; sec <= last; ++sec) {
            const std::int64_t minute = floorDiv(sec, 60);
            if (minute != loadedMinute) {
                s.minuteTrades(paths.get(floorDiv(minute, kMinutesPerDay)), minute, buf);
                loadedMinute = minute;
            }
            const std::int64_t from = (sec - minute * 60) * kSecondMs;
            const std::int64_t to = std::min(from + kSecondMs - 1, nowMs - minute * kMinuteMs);
            CandleAcc acc;
            for (const RawTrade& t : buf)
                if (t.offsetMs >= from && t.offsetMs <= to) acc.add(t);
            if (s.live())
                acc.merge(s.liveAcc(paths.get(floorDiv(minute, kMinutesPerDay)), minute, sec * kSecondMs,
                                    std::min((sec + 1) * kSecondMs, nowMs + 1)));
            const bool closed = (sec + 1) * kSecondMs <= nowMs;
            out.push_back(s.toCandle(sec * kSecondMs, acc, prev, closed));
            if (acc.n > 0) prev = acc.close;
        }
    }

    // The 1d candle of `day` as of nowMs: aggregate() of its 1m candles; closed days are cached.
    Candle dayCandle(const SymbolState& s, std::int64_t day, std::int64_t nowMs) const {
        const bool closedDay = (day + 1) * kDayMs <= nowMs;
        if (closedDay) {
            std::lock_guard lock(s.mutex);
            if (auto it = s.dayCache.find(day); it != s.dayCache.end()) return it->second;
        }
        std::vector<Candle> minutes;
        minutes.reserve(kMinutesPerDay);
        const std::int64_t first = std::max(day * kMinutesPerDay, s.listingMinute);
        const std::int64_t last = std::min(day * kMinutesPerDay + kMinutesPerDay - 1, floorDiv(nowMs, kMinuteMs));
        minuteCandles(s, first, last, nowMs, minutes);
        market::AggregateOptions options;
        options.anchor3dMs = s.def.listingMs;
        options.nowMs = nowMs;
        const auto days = market::aggregate(minutes, Interval::M1, Interval::D1, options);
        const Candle c = days.front();
        if (closedDay) {
            std::lock_guard lock(s.mutex);
            s.dayCache.emplace(day, c);
        }
        return c;
    }
};

// ---------------------------------------------------------------------------------------------

MarketModel::MarketModel(std::uint64_t seed, std::vector<SimSymbol> symbols, LiveTrades live)
    : m_impl(std::make_unique<Impl>()) {
    m_impl->seed = seed;
    if (live.perSecond < 0 || live.perSecond > kMaxLiveTradesPerSecond)
        throw std::invalid_argument("MarketModel: live trades per second must be within 0..20000");
    m_impl->live = live;
    for (const SimSymbol& def : symbols) {
        const std::string what = "MarketModel: symbol '" + def.symbol + "': ";
        if (def.symbol.empty()) throw std::invalid_argument("MarketModel: empty symbol name");
        for (char c : def.symbol)
            if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')))
                throw std::invalid_argument(what + "names are upper-case letters and digits");
        if (m_impl->state(def.symbol)) throw std::invalid_argument(what + "listed twice");
        if (def.priceDecimals < 0 || def.quantityDecimals < 0 || def.priceDecimals + def.quantityDecimals > 8)
            throw std::invalid_argument(what + "priceDecimals + quantityDecimals must be within 0..8");
        if (def.listingMs % kDayMs != 0) throw std::invalid_argument(what + "listingMs must be 00:00 UTC");
        if (!(def.startPrice > 0) || !(def.volatility >= 0) || !(def.tradesPerMinute >= 0) ||
            !(def.meanQuantity > 0))
            throw std::invalid_argument(what + "startPrice and meanQuantity must be > 0, rates >= 0");
        auto s = std::make_unique<SymbolState>();
        s->def = def;
        s->key = hashKey(seed, fnv1a(def.symbol), 0);
        s->listingDay = def.listingMs / kDayMs;
        s->listingMinute = def.listingMs / kMinuteMs;
        s->priceUnit = pow10(Decimal::kScale - def.priceDecimals);
        s->qtyUnit = pow10(Decimal::kScale - def.quantityDecimals);
        s->quoteUnit = pow10(Decimal::kScale - def.priceDecimals - def.quantityDecimals);
        s->ticksPerPrice = static_cast<double>(pow10(def.priceDecimals));
        s->stepsPerQty = static_cast<double>(pow10(def.quantityDecimals));
        s->poissonL = std::exp(-def.tradesPerMinute);
        s->listingTicks = std::max<std::int64_t>(1, std::llround(def.startPrice * s->ticksPerPrice));
        s->logAnchors.push_back(std::log(def.startPrice));
        s->anchorRng = Rng(hashKey(s->key, kSaltAnchors, 0));
        if (live.perSecond > 0) {
            s->liveN = live.perSecond;
            s->liveFromMs = live.fromMs;
            s->liveK0 = s->liveF(live.fromMs);
            s->liveStartMinute = floorDiv(live.fromMs, kMinuteMs);
        }
        m_impl->states.push_back(std::move(s));
    }
    m_impl->symbols = std::move(symbols);
}

MarketModel::~MarketModel() = default;

std::vector<SimSymbol> MarketModel::defaultSymbols() {
    const auto day = [](int y, unsigned m, unsigned d) { return daysFromCivil(CivilDate{y, m, d}) * kDayMs; };
    // Listing days as on Binance (their residues mod 3 days differ, which the listing-anchored
    // 3d buckets must respect). NKNUSDT plays the illiquid pair: about half its minutes are empty.
    return {
        SimSymbol{"BTCUSDT", "BTC", "USDT", day(2017, 8, 17), 4261.48, 12.0, 0.035, 2, 5, 0.05},
        SimSymbol{"ETHUSDT", "ETH", "USDT", day(2017, 8, 17), 301.13, 10.0, 0.045, 2, 4, 0.8},
        SimSymbol{"ETHBTC", "ETH", "BTC", day(2017, 7, 14), 0.08, 6.0, 0.03, 6, 2, 2.0},
        SimSymbol{"ADAUSDT", "ADA", "USDT", day(2018, 4, 17), 0.25, 6.0, 0.05, 4, 1, 800.0},
        SimSymbol{"NKNUSDT", "NKN", "USDT", day(2019, 4, 10), 0.05, 0.6, 0.06, 5, 0, 2000.0},
    };
}

const std::vector<SimSymbol>& MarketModel::symbols() const { return m_impl->symbols; }

const LiveTrades& MarketModel::liveTrades() const { return m_impl->live; }

const SimSymbol* MarketModel::find(const std::string& symbol) const {
    const SymbolState* s = m_impl->state(symbol);
    return s ? &s->def : nullptr;
}

std::vector<exchange::TradeTick> MarketModel::trades(const std::string& symbol, std::int64_t fromMs,
                                                     std::int64_t toMs) const {
    std::vector<exchange::TradeTick> out;
    const SymbolState* s = m_impl->state(symbol);
    if (!s) return out;
    fromMs = std::max(fromMs, s->def.listingMs);
    if (fromMs >= toMs) return out;
    PathCursor paths(*s);
    std::vector<RawTrade> buf;
    // (trade, rank in its minute) of the requested part of one minute, in time order.
    std::vector<std::pair<RawTrade, std::int64_t>> ranked;
    const auto byKey = [](const RawTrade& a, const RawTrade& b) { return a.key() < b.key(); };
    for (std::int64_t m = floorDiv(fromMs, kMinuteMs); m * kMinuteMs < toMs; ++m) {
        const DayPath& path = paths.get(floorDiv(m, kMinutesPerDay));
        s->minuteTrades(path, m, buf);
        std::sort(buf.begin(), buf.end(), byKey);
        const std::int64_t mStart = m * kMinuteMs;
        const std::int64_t a = std::max(fromMs, mStart);
        const std::int64_t b = std::min(toMs, mStart + kMinuteMs);
        const bool liveMinute = s->live() && mStart + kMinuteMs > s->liveFromMs;
        const std::int64_t kMinuteFirst = liveMinute ? s->liveFirstAt(mStart) : 0;
        ranked.clear();
        for (std::size_t i = 0; i < buf.size(); ++i) {
            const std::int64_t time = mStart + buf[i].offsetMs;
            if (time < a || time >= b) continue;
            // Live trades of the same millisecond come after it, so count those strictly before.
            const std::int64_t liveBefore = liveMinute ? std::max<std::int64_t>(0, s->liveF(time) - kMinuteFirst) : 0;
            ranked.emplace_back(buf[i], static_cast<std::int64_t>(i) + liveBefore);
        }
        if (liveMinute) {
            const std::size_t historical = ranked.size();
            const std::int64_t end = s->liveF(b);
            for (std::int64_t k = s->liveFirstAt(a); k < end; ++k) {
                const RawTrade t = s->liveTrade(path, m, k);
                const auto baseBefore = std::upper_bound(buf.begin(), buf.end(), t, byKey) - buf.begin();
                ranked.emplace_back(t, (k - kMinuteFirst) + baseBefore);
            }
            std::inplace_merge(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(historical), ranked.end(),
                               [](const auto& x, const auto& y) { return x.first.key() < y.first.key(); });
        }
        for (const auto& [t, rank] : ranked) {
            const std::int64_t time = mStart + t.offsetMs;
            exchange::TradeTick tick;
            tick.exchange = "binance";
            tick.symbol = symbol;
            tick.tradeId = s->idBase(m) + rank;
            tick.firstTradeId = tick.lastTradeId = tick.tradeId;
            tick.price = s->price(t.priceTicks);
            tick.quantity = Decimal::fromUnits(static_cast<Int128>(t.qtySteps) * s->qtyUnit);
            tick.timeMs = time;
            tick.buyerIsMaker = t.buyerIsMaker;
            out.push_back(std::move(tick));
        }
    }
    return out;
}

std::optional<exchange::TradeTick> MarketModel::firstTradeFrom(const std::string& symbol, std::int64_t fromMs,
                                                              std::int64_t beforeMs) const {
    // Growing windows: a busy live market answers from the first few milliseconds.
    std::int64_t window = 50;
    for (std::int64_t from = fromMs; from < beforeMs; window = std::min(window * 4, kDayMs)) {
        const std::int64_t to = std::min(beforeMs, from + window);
        auto found = trades(symbol, from, to);
        if (!found.empty()) return std::move(found.front());
        from = to;
    }
    return std::nullopt;
}

std::optional<exchange::TradeTick> MarketModel::lastTradeBefore(const std::string& symbol, std::int64_t beforeMs,
                                                               std::int64_t notBeforeMs) const {
    std::int64_t window = 50;
    for (std::int64_t to = beforeMs; to > notBeforeMs; window = std::min(window * 4, kDayMs)) {
        const std::int64_t from = std::max(notBeforeMs, to - window);
        auto found = trades(symbol, from, to);
        if (!found.empty()) return std::move(found.back());
        to = from;
    }
    return std::nullopt;
}

std::optional<std::int64_t> MarketModel::firstOpenTime(const std::string& symbol, Interval interval) const {
    const SymbolState* s = m_impl->state(symbol);
    if (!s) return std::nullopt;
    return bucketStart(interval, s->def.listingMs, s->def.listingMs);
}

std::vector<Candle> MarketModel::klines(const std::string& symbol, Interval interval,
                                        std::optional<std::int64_t> startMs, std::optional<std::int64_t> endMs,
                                        int limit, std::int64_t nowMs) const {
    std::vector<Candle> out;
    const SymbolState* sp = m_impl->state(symbol);
    limit = std::clamp(limit, 0, kMaxLimit);
    if (!sp || limit == 0 || nowMs < sp->def.listingMs) return out;
    const SymbolState& s = *sp;
    const std::int64_t anchor = s.def.listingMs;

    // Open times that exist: from the bucket holding the listing to the one holding now.
    const std::int64_t firstExisting = bucketStart(interval, s.def.listingMs, anchor);
    std::int64_t lastOpen = bucketStart(interval, nowMs, anchor);
    if (endMs) {
        if (*endMs < firstExisting) return out;
        lastOpen = std::min(lastOpen, bucketStart(interval, *endMs, anchor));
    }
    std::int64_t firstOpen = 0;
    if (startMs) {
        // Selection is by open time >= startTime: a bucket merely containing startTime is out.
        if (*startMs <= firstExisting) {
            firstOpen = firstExisting;
        } else {
            firstOpen = bucketStart(interval, *startMs, anchor);
            if (firstOpen < *startMs) firstOpen = nextBucketStart(interval, firstOpen);
        }
        if (firstOpen > lastOpen) return out;
        std::int64_t t = firstOpen;
        for (int i = 1; i < limit; ++i) {
            const std::int64_t next = nextBucketStart(interval, t);
            if (next > lastOpen) break;
            t = next;
        }
        lastOpen = t;
    } else {
        firstOpen = lastOpen;
        for (int i = 1; i < limit && firstOpen > firstExisting; ++i)
            firstOpen = bucketStart(interval, firstOpen - 1, anchor);
    }
    if (firstOpen > lastOpen) return out;

    const std::int64_t endExclusive = nextBucketStart(interval, lastOpen);  // of the last bucket
    const std::int64_t nowMinute = floorDiv(nowMs, kMinuteMs);
    switch (interval) {
        case Interval::S1:
            m_impl->secondCandles(s, firstOpen / kSecondMs, lastOpen / kSecondMs, nowMs, out);
            break;
        case Interval::M1:
            m_impl->minuteCandles(s, firstOpen / kMinuteMs, lastOpen / kMinuteMs, nowMs, out);
            break;
        case Interval::D1:
            for (std::int64_t day = firstOpen / kDayMs; day <= lastOpen / kDayMs; ++day)
                out.push_back(m_impl->dayCandle(s, day, nowMs));
            break;
        case Interval::D3:
        case Interval::W1:
        case Interval::Mo1: {
            // 1d candles (cached) folded by the same rules: equal to aggregating the 1m candles,
            // because every one of these buckets is a whole number of UTC days.
            std::vector<Candle> days;
            const std::int64_t firstDay = std::max(firstOpen, s.def.listingMs) / kDayMs;
            const std::int64_t lastDay = std::min(endExclusive - 1, nowMs) / kDayMs;
            for (std::int64_t day = firstDay; day <= lastDay; ++day) days.push_back(m_impl->dayCandle(s, day, nowMs));
            market::AggregateOptions options;
            options.anchor3dMs = anchor;
            options.nowMs = nowMs;
            options.previousClose = s.price(m_impl->lastTicksBefore(s, firstDay * kDayMs));
            out = market::aggregate(days, Interval::D1, interval, options);
            break;
        }
        default: {
            std::vector<Candle> minutes;
            const std::int64_t firstMinute = std::max(firstOpen, s.def.listingMs) / kMinuteMs;
            const std::int64_t lastMinute = std::min(floorDiv(endExclusive - 1, kMinuteMs), nowMinute);
            minutes.reserve(static_cast<std::size_t>(std::max<std::int64_t>(0, lastMinute - firstMinute + 1)));
            m_impl->minuteCandles(s, firstMinute, lastMinute, nowMs, minutes);
            market::AggregateOptions options;
            options.anchor3dMs = anchor;
            options.nowMs = nowMs;
            options.previousClose = s.price(m_impl->lastTicksBefore(s, firstMinute * kMinuteMs));
            out = market::aggregate(minutes, Interval::M1, interval, options);
            break;
        }
    }
    return out;
}

}  // namespace cpc::sim
