// Binance's payloads, field by field in the order of Binance's documentation ("Kline/Candlestick
// data", "Trade Streams", "Aggregate Trade Streams", "Diff. Depth Stream", "Partial Book Depth
// Streams", "Individual Symbol Book Ticker Streams", "Individual Symbol (Mini) Ticker Stream").
// Written as text, not through a JSON DOM: the simulator pushes tens of thousands of these a
// second in the load tests.
#include <algorithm>

#include "cpc/core/ascii.hpp"
#include "wire.hpp"

namespace cpc::sim::wire::binance {

namespace {

// {"k":v,…} in the order the fields are added. Keys and string values here are plain ASCII
// (field names, symbols, decimals), so nothing needs escaping.
class Object {
public:
    Object& text(const char* key, const std::string& value) { return field(key).append("\"" + value + "\""); }
    Object& decimal(const char* key, const Decimal& value) { return text(key, value.toString()); }
    Object& integer(const char* key, std::int64_t value) { return field(key).append(std::to_string(value)); }
    Object& boolean(const char* key, bool value) { return field(key).append(value ? "true" : "false"); }
    Object& raw(const char* key, const std::string& json) { return field(key).append(json); }
    std::string close() { return m_text + "}"; }

private:
    Object& field(const char* key) {
        m_text += m_text.size() == 1 ? "\"" : ",\"";
        m_text += key;
        m_text += "\":";
        return *this;
    }
    Object& append(const std::string& s) {
        m_text += s;
        return *this;
    }
    std::string m_text = "{";
};

// [["price","quantity"],…]
std::string levels(const std::vector<exchange::PriceLevel>& side) {
    std::string out = "[";
    for (const exchange::PriceLevel& l : side) {
        if (out.size() > 1) out += ',';
        out += "[\"" + l.price.toString() + "\",\"" + l.quantity.toString() + "\"]";
    }
    return out + "]";
}

// Binance counts trades; a venue that does not (-1 here) would be 0.
std::int64_t tradeCount(const Candle& c) { return std::max<std::int64_t>(c.trades, 0); }

}  // namespace

std::string klineRow(const Candle& c, Interval interval) {
    return "[" + std::to_string(c.openTime) + ",\"" + c.open.toString() + "\",\"" + c.high.toString() + "\",\"" +
           c.low.toString() + "\",\"" + c.close.toString() + "\",\"" + c.volume.toString() + "\"," +
           std::to_string(closeTime(interval, c.openTime)) + ",\"" + c.quoteVolume.toString() + "\"," +
           std::to_string(tradeCount(c)) + ",\"" + c.takerBuyBase.toString() + "\",\"" +
           c.takerBuyQuote.toString() + "\",\"0\"]";  // the last field is documented as "Unused field, ignore."
}

std::string klineEvent(const std::string& symbol, Interval interval, const Candle& c, std::int64_t eventTimeMs) {
    const std::string s = toUpperAscii(symbol);
    const std::string k = Object()
                              .integer("t", c.openTime)
                              .integer("T", closeTime(interval, c.openTime))
                              .text("s", s)
                              .text("i", std::string(toString(interval)))
                              .integer("f", -1)  // first and last trade id: not modelled per candle
                              .integer("L", -1)
                              .decimal("o", c.open)
                              .decimal("c", c.close)
                              .decimal("h", c.high)
                              .decimal("l", c.low)
                              .decimal("v", c.volume)
                              .integer("n", tradeCount(c))
                              .boolean("x", c.closed)
                              .decimal("q", c.quoteVolume)
                              .decimal("V", c.takerBuyBase)
                              .decimal("Q", c.takerBuyQuote)
                              .text("B", "0")
                              .close();
    return Object().text("e", "kline").integer("E", eventTimeMs).text("s", s).raw("k", k).close();
}

std::string tradeEvent(const exchange::TradeTick& t) {
    Object o;
    o.text("e", t.aggregate ? "aggTrade" : "trade").integer("E", t.eventTimeMs).text("s", toUpperAscii(t.symbol));
    o.integer(t.aggregate ? "a" : "t", t.tradeId).decimal("p", t.price).decimal("q", t.quantity);
    if (t.aggregate) o.integer("f", t.firstTradeId).integer("l", t.lastTradeId);
    return o.integer("T", t.timeMs).boolean("m", t.buyerIsMaker).boolean("M", true).close();
}

std::string depthUpdateEvent(const exchange::DepthUpdate& d) {
    return Object()
        .text("e", "depthUpdate")
        .integer("E", d.eventTimeMs)
        .text("s", toUpperAscii(d.symbol))
        .integer("U", d.firstUpdateId)
        .integer("u", d.finalUpdateId)
        .raw("b", levels(d.bids))
        .raw("a", levels(d.asks))
        .close();
}

std::string depthSnapshot(const exchange::DepthSnapshot& d) {
    return Object().integer("lastUpdateId", d.lastUpdateId).raw("bids", levels(d.bids)).raw("asks", levels(d.asks)).close();
}

std::string bookTickerEvent(const exchange::BookTicker& b) {
    return Object()
        .integer("u", b.updateId)
        .text("s", toUpperAscii(b.symbol))
        .decimal("b", b.bidPrice)
        .decimal("B", b.bidQuantity)
        .decimal("a", b.askPrice)
        .decimal("A", b.askQuantity)
        .close();
}

std::string tickerEvent(const exchange::Ticker24h& t) {
    Object o;
    o.text("e", t.mini ? "24hrMiniTicker" : "24hrTicker").integer("E", t.eventTimeMs).text("s", toUpperAscii(t.symbol));
    if (t.mini) {
        return o.decimal("c", t.lastPrice)
            .decimal("o", t.open)
            .decimal("h", t.high)
            .decimal("l", t.low)
            .decimal("v", t.volume)
            .decimal("q", t.quoteVolume)
            .close();
    }
    return o.decimal("p", t.priceChange)
        .decimal("P", t.priceChangePercent)
        .decimal("w", t.weightedAvgPrice)
        .decimal("x", t.open)  // "first trade before the 24 h window": the window's open here
        .decimal("c", t.lastPrice)
        .decimal("Q", t.lastQuantity)
        .decimal("b", t.bidPrice)
        .decimal("B", t.bidQuantity)
        .decimal("a", t.askPrice)
        .decimal("A", t.askQuantity)
        .decimal("o", t.open)
        .decimal("h", t.high)
        .decimal("l", t.low)
        .decimal("v", t.volume)
        .decimal("q", t.quoteVolume)
        .integer("O", t.openTimeMs)
        .integer("C", t.closeTimeMs)
        .integer("F", t.firstTradeId)
        .integer("L", t.lastTradeId)
        .integer("n", t.tradeCount)
        .close();
}

}  // namespace cpc::sim::wire::binance
