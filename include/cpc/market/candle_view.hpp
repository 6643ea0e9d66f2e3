#pragma once
// A read-only, random-access view of (a range of) a CandleSeries — what std::span<const Candle>
// was when the series stored whole Candles. Reading an element decodes the 80-byte row into a
// Candle by value, so `for (const Candle& c : series.candles())`, `view[i].openTime`,
// front()/back(), subspan() and the iterators work as before. Hot paths (chart frames, the
// min/max pyramid, autoscale) use the per-field accessors instead (openTime(i), low(i), …),
// which read one word of the row and never build a 176-byte Candle. Like a span, a view is
// invalidated by any change to its series.
#include <cassert>
#include <compare>
#include <cstddef>
#include <iterator>
#include <vector>

#include "cpc/market/packed_candle.hpp"

namespace cpc::market {

class CandleView {
public:
    // For it->openTime: holds the decoded candle the arrow points into.
    struct ArrowProxy {
        Candle candle;
        const Candle* operator->() const { return &candle; }
    };

    class iterator {
    public:
        using iterator_concept = std::random_access_iterator_tag;
        using iterator_category = std::random_access_iterator_tag;
        using value_type = Candle;
        using difference_type = std::ptrdiff_t;
        using reference = Candle;  // by value: rows are decoded on access
        using pointer = ArrowProxy;

        iterator() = default;
        iterator(const PackedCandle* row, const WideCandleTable* wide) : m_row(row), m_wide(wide) {}

        Candle operator*() const { return decode(*m_row, m_wide); }
        ArrowProxy operator->() const { return ArrowProxy{**this}; }
        Candle operator[](difference_type k) const { return decode(m_row[k], m_wide); }

        iterator& operator++() { ++m_row; return *this; }
        iterator operator++(int) { iterator old = *this; ++m_row; return old; }
        iterator& operator--() { --m_row; return *this; }
        iterator operator--(int) { iterator old = *this; --m_row; return old; }
        iterator& operator+=(difference_type k) { m_row += k; return *this; }
        iterator& operator-=(difference_type k) { m_row -= k; return *this; }
        friend iterator operator+(iterator it, difference_type k) { return it += k; }
        friend iterator operator+(difference_type k, iterator it) { return it += k; }
        friend iterator operator-(iterator it, difference_type k) { return it -= k; }
        friend difference_type operator-(const iterator& a, const iterator& b) { return a.m_row - b.m_row; }
        friend bool operator==(const iterator& a, const iterator& b) { return a.m_row == b.m_row; }
        friend std::strong_ordering operator<=>(const iterator& a, const iterator& b) {
            return a.m_row <=> b.m_row;
        }

    private:
        const PackedCandle* m_row = nullptr;
        const WideCandleTable* m_wide = nullptr;
    };
    using const_iterator = iterator;
    using value_type = Candle;
    using size_type = std::size_t;

    CandleView() = default;
    CandleView(const PackedCandle* rows, std::size_t size, const WideCandleTable* wide)
        : m_rows(rows), m_size(size), m_wide(wide) {}

    std::size_t size() const { return m_size; }
    bool empty() const { return m_size == 0; }
    Candle operator[](std::size_t i) const { return decode(row(i), m_wide); }
    Candle front() const { return (*this)[0]; }
    Candle back() const { return (*this)[m_size - 1]; }
    iterator begin() const { return iterator(m_rows, m_wide); }
    iterator end() const { return iterator(m_rows + m_size, m_wide); }

    // Like std::span's: sub-ranges of the same series.
    CandleView subspan(std::size_t offset, std::size_t count = static_cast<std::size_t>(-1)) const {
        assert(offset <= m_size);
        return CandleView(m_rows + offset, std::min(count, m_size - offset), m_wide);
    }
    CandleView first(std::size_t count) const { return subspan(0, count); }
    CandleView last(std::size_t count) const { return subspan(m_size - count, count); }

    // Field accessors: exact for every row; the doubles equal Decimal::toDouble() of the field.
    std::int64_t openTime(std::size_t i) const { return row(i).openTime; }
    bool closed(std::size_t i) const { return row(i).closed(); }
    double open(std::size_t i) const { return field(i, &PackedCandle::open, &Candle::open); }
    double high(std::size_t i) const { return field(i, &PackedCandle::high, &Candle::high); }
    double low(std::size_t i) const { return field(i, &PackedCandle::low, &Candle::low); }
    double close(std::size_t i) const { return field(i, &PackedCandle::close, &Candle::close); }
    double volume(std::size_t i) const { return field(i, &PackedCandle::volume, &Candle::volume); }
    double takerBuyBase(std::size_t i) const { return field(i, &PackedCandle::takerBuyBase, &Candle::takerBuyBase); }
    // close >= open, compared exactly (two prices above 2^53 units can share a double).
    bool rising(std::size_t i) const {
        const PackedCandle& r = row(i);
        if (!r.wide()) return r.close >= r.open;
        const Candle& c = wideCandle(r, m_wide);
        return c.close >= c.open;
    }

    std::vector<Candle> toVector() const { return std::vector<Candle>(begin(), end()); }

    static Candle decode(const PackedCandle& r, const WideCandleTable* wide) {
        return r.wide() ? wideCandle(r, wide) : r.unpack();
    }

private:
    const PackedCandle& row(std::size_t i) const {
        assert(i < m_size);
        return m_rows[i];
    }
    static const Candle& wideCandle(const PackedCandle& r, const WideCandleTable* wide) {
        const Candle* c = wide->find(r.openTime);
        assert(c != nullptr);  // a wide row always has its candle in the table
        return *c;
    }
    double field(std::size_t i, std::int64_t PackedCandle::*units, Decimal Candle::*exact) const {
        const PackedCandle& r = row(i);
        return r.wide() ? (wideCandle(r, m_wide).*exact).toDouble() : unitsToDouble(r.*units);
    }

    const PackedCandle* m_rows = nullptr;
    std::size_t m_size = 0;
    const WideCandleTable* m_wide = nullptr;
};

static_assert(std::random_access_iterator<CandleView::iterator>);

}  // namespace cpc::market
