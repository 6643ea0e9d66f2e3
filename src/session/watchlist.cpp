#include "cpc/session/watchlist.hpp"

#include <algorithm>

#include "cpc/core/ascii.hpp"
#include "cpc/exchange/registry.hpp"

namespace cpc::session {

namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

}  // namespace

std::string WatchSymbol::text() const { return toUpperAscii(exchange) + ":" + symbol; }

std::optional<std::pair<std::string, std::string>> splitSymbol(std::string_view symbol) {
    // OKX's perpetual swaps: BTC-USDT-SWAP is the pair BTC/USDT.
    if (symbol.ends_with("-SWAP")) symbol.remove_suffix(5);
    if (const auto dash = symbol.find('-'); dash != std::string_view::npos) {
        if (dash == 0 || dash + 1 >= symbol.size()) return std::nullopt;
        return std::pair{std::string(symbol.substr(0, dash)), std::string(symbol.substr(dash + 1))};
    }
    // Longest suffix first: FDUSD before USD, USDT before USD.
    static constexpr std::string_view kQuotes[] = {"FDUSD", "USDT", "USDC", "BUSD", "TUSD", "DAI", "USD", "EUR",
                                                   "TRY",   "BRL",  "BTC",  "ETH",  "BNB"};
    for (const std::string_view quote : kQuotes)
        if (symbol.size() > quote.size() && symbol.ends_with(quote))
            return std::pair{std::string(symbol.substr(0, symbol.size() - quote.size())), std::string(quote)};
    return std::nullopt;
}

WatchParse parseWatchSymbol(std::string_view text, std::string_view activeVenue) {
    text = trim(text);
    if (text.empty()) return {std::nullopt, WatchParseError{WatchParseError::Kind::Empty, {}, {}, {}}};
    std::string venue = toLowerAscii(trim(activeVenue));
    std::string_view written = text;
    if (const auto colon = text.find(':'); colon != std::string_view::npos) {
        venue = toLowerAscii(trim(text.substr(0, colon)));
        written = trim(text.substr(colon + 1));
        if (!exchange::defaultEndpoints(venue))
            return {std::nullopt,
                    WatchParseError{WatchParseError::Kind::UnknownVenue, std::string(trim(text.substr(0, colon))), {}, {}}};
    } else if (venue.empty()) {
        return {std::nullopt, WatchParseError{WatchParseError::Kind::NoActiveVenue, {}, std::string(written), {}}};
    }
    auto adapter = exchange::makeAdapter(venue);
    if (!adapter)
        return {std::nullopt, WatchParseError{WatchParseError::Kind::UnknownVenue, venue, {}, {}}};
    std::string symbol = toUpperAscii(written);
    if (auto bad = (*adapter)->checkSymbol(symbol))
        return {std::nullopt, WatchParseError{WatchParseError::Kind::BadSymbol, {}, std::string(written), bad->message}};
    if (const auto pair = splitSymbol(symbol)) symbol = (*adapter)->symbolFor(pair->first, pair->second);
    // The venue's spelling may hold a character its alphabet lacks only if the split was wrong;
    // keep what was written then (the venue will say whether it lists it).
    if ((*adapter)->checkSymbol(symbol)) symbol = toUpperAscii(written);
    return {WatchSymbol{(*adapter)->name(), std::move(symbol)}, std::nullopt};
}

WatchImport parseWatchlistText(std::string_view text, std::string_view activeVenue) {
    WatchImport out;
    int number = 0;
    std::size_t start = 0;
    while (start <= text.size()) {
        const std::size_t end = std::min(text.find('\n', start), text.size());
        const std::string_view line = text.substr(start, end - start);
        ++number;
        start = end + 1;
        const std::string_view body = trim(line);
        if (body.empty() || body.front() == '#') {
            if (end == text.size()) break;
            continue;
        }
        WatchParse parsed = parseWatchSymbol(body, activeVenue);
        if (!parsed.symbol) {
            out.problems.push_back({number, std::string(body), parsed.error});
        } else if (std::find(out.symbols.begin(), out.symbols.end(), *parsed.symbol) != out.symbols.end()) {
            out.problems.push_back({number, std::string(body), std::nullopt});
        } else {
            out.symbols.push_back(std::move(*parsed.symbol));
        }
        if (end == text.size()) break;
    }
    return out;
}

std::string watchlistText(const std::vector<WatchSymbol>& symbols) {
    std::string out;
    for (const WatchSymbol& s : symbols) out += s.text() + "\n";
    return out;
}

bool TickerBoard::apply(const exchange::Ticker24h& ticker) {
    if (ticker.lastPrice.isZero() && ticker.open.isZero()) return false;  // nothing traded, nothing to show
    TickerRow& row = m_rows[WatchSymbol{ticker.exchange, ticker.symbol}];
    if (row.updates > 0 && ticker.eventTimeMs != 0 && ticker.eventTimeMs < row.eventTimeMs) return false;
    const double last = ticker.lastPrice.toDouble();
    row.direction = row.updates == 0 || last == row.last ? 0 : (last > row.last ? 1 : -1);
    row.last = last;
    row.open = ticker.open.toDouble();
    row.changePercent = row.open != 0 ? (row.last - row.open) / row.open * 100.0 : 0.0;
    row.volume = ticker.volume.toDouble();
    row.quoteVolume = ticker.quoteVolume.toDouble();
    row.eventTimeMs = ticker.eventTimeMs != 0 ? ticker.eventTimeMs : row.eventTimeMs;
    ++row.updates;

    auto& line = row.sparkline;
    const std::int64_t at = row.eventTimeMs;
    if (line.empty()) {
        line.emplace_back(at - kSparklineSpanMs, row.open != 0 ? row.open : last);
        line.emplace_back(at, last);
        return true;
    }
    // One point per minute: the minute's newest price replaces its point until the next minute.
    if (line.size() > 1 && line.back().first / kSparklineStepMs == at / kSparklineStepMs)
        line.back() = {at, last};
    else
        line.emplace_back(at, last);
    // The day only: points older than 24 h go (the open point moves with the window).
    const std::int64_t from = at - kSparklineSpanMs;
    auto firstKept = std::find_if(line.begin() + 1, line.end(), [from](const auto& p) { return p.first >= from; });
    if (firstKept != line.begin() + 1) line.erase(line.begin() + 1, firstKept);
    line.front() = {from, row.open != 0 ? row.open : line.front().second};
    return true;
}

const TickerRow* TickerBoard::find(const WatchSymbol& symbol) const {
    const auto it = m_rows.find(symbol);
    return it == m_rows.end() ? nullptr : &it->second;
}

void TickerBoard::forget(const WatchSymbol& symbol) { m_rows.erase(symbol); }

}  // namespace cpc::session
