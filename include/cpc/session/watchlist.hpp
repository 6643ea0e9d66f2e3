#pragma once
// The watchlist's Qt-free side (issue 14): what a watchlist entry is (a venue and a symbol in that
// venue's spelling), how a typed or imported line becomes one (and why it does not), the text form
// lists are imported from and exported to (one `EXCHANGE:SYMBOL` a line), and TickerBoard: the
// last 24 h ticker of every watched symbol with a sparkline of the prices seen.
//
// The sparkline comes from the tickers seen, not from REST klines: its first point is the rolling
// window's open (the price 24 h before the first ticker), then one point per minute of the tickers
// received since the symbol was first watched (the minute's last price), the newest one following
// every ticker. So a watchlist opened a minute ago shows the day's open → now, and the line fills in
// as the day is watched; it costs no REST request (300 symbols would be 300 kline requests, OKX
// allows 20 per 2 s).
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cpc/exchange/events.hpp"

namespace cpc::session {

struct WatchSymbol {
    std::string exchange;  // registry name: "binance", "bybit", "okx", "kucoin"
    std::string symbol;    // in the venue's spelling: BTCUSDT, BTC-USDT
    auto operator<=>(const WatchSymbol&) const = default;
    // "BINANCE:BTCUSDT", the form lists are exported in.
    std::string text() const;
};

// Why a typed or imported entry was not accepted; the GUI words it (translated).
struct WatchParseError {
    enum class Kind {
        Empty,           // nothing but spaces
        UnknownVenue,    // "FOO:BTCUSDT": `venue` is what was written
        BadSymbol,       // outside the venue's alphabet (ExchangeAdapter::checkSymbol): `detail` says why
        NoActiveVenue,   // a bare symbol and no active venue to put it on
    };
    Kind kind = Kind::Empty;
    std::string venue;   // as written (UnknownVenue)
    std::string symbol;  // as written (BadSymbol)
    std::string detail;  // BadSymbol: the venue's rule, in English (the GUI passes it through coreText)
};

// "BTCUSDT" / "BTC-USDT" / "BTC-USDT-SWAP" → {"BTC", "USDT"}: at a '-', else at a common quote asset suffix (USDT,
// USDC, BTC…, longest first); nullopt when neither splits it.
std::optional<std::pair<std::string, std::string>> splitSymbol(std::string_view symbol);

// A typed entry: `EXCHANGE:SYMBOL` (any case, spaces around either part ignored) or a bare
// `SYMBOL` on `activeVenue`. The symbol is put in the venue's spelling when its base and quote can
// be told apart (okx:BTCUSDT → BTC-USDT, binance:BTC-USDT → BTCUSDT); otherwise kept as written,
// upper case. Whether the venue lists it is the venue's to say (its ticker stream stays silent or
// refuses it; the dock shows that).
struct WatchParse {
    std::optional<WatchSymbol> symbol;
    std::optional<WatchParseError> error;
};
WatchParse parseWatchSymbol(std::string_view text, std::string_view activeVenue);

// Text import: one entry a line; blank lines and lines starting with '#' are skipped. Lines that
// do not parse, or repeat an entry already read, are reported with their (1-based) number; the
// good ones are kept in order.
struct WatchImportProblem {
    int line = 0;
    std::string text;  // the line as written
    std::optional<WatchParseError> error;  // nullopt: a duplicate
};
struct WatchImport {
    std::vector<WatchSymbol> symbols;
    std::vector<WatchImportProblem> problems;
};
WatchImport parseWatchlistText(std::string_view text, std::string_view activeVenue);
// One `EXCHANGE:SYMBOL` a line, each line ending in '\n'.
std::string watchlistText(const std::vector<WatchSymbol>& symbols);

// A named list of symbols, in the user's order.
struct Watchlist {
    std::string name;
    std::vector<WatchSymbol> symbols;
};

// The newest ticker of a watched symbol and the sparkline of what was seen.
struct TickerRow {
    double last = 0;
    double open = 0;           // the rolling 24 h window's open
    double changePercent = 0;  // (last − open) / open · 100; 0 when open is 0
    double volume = 0;         // base asset, 24 h
    double quoteVolume = 0;    // quote asset, 24 h
    std::int64_t eventTimeMs = 0;
    int direction = 0;         // the last price's move at the newest ticker: +1, −1, 0 (unchanged / first)
    std::uint64_t updates = 0;
    // (time, price): the 24 h open first, then the last price of each minute seen.
    std::vector<std::pair<std::int64_t, double>> sparkline;
};

class TickerBoard {
public:
    // Applies a venue ticker to its symbol's row (made at the first); the row's direction says
    // whether the price moved. Tickers older than the row's newest are ignored (false).
    bool apply(const exchange::Ticker24h& ticker);
    const TickerRow* find(const WatchSymbol& symbol) const;
    void forget(const WatchSymbol& symbol);
    std::size_t size() const { return m_rows.size(); }

    static constexpr std::int64_t kSparklineStepMs = 60'000;
    static constexpr std::int64_t kSparklineSpanMs = 24LL * 3600 * 1000;

private:
    std::map<WatchSymbol, TickerRow> m_rows;
};

}  // namespace cpc::session
