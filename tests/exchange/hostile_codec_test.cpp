// Hostile input for every venue's codec: each field of each real or documented payload
// (tests/fixtures) is given a value of every other JSON type, or removed, and every parser must
// answer with a value or an Error — never throw. A codec that throws on one wrongly typed field
// (a trade's "m" as a string, a kline's "s" or "i" as a number) used to end the stream's reader.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <functional>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <set>
#include <vector>

#include "cpc/exchange/registry.hpp"
#include "support/fixtures.hpp"

namespace cpc::exchange {
namespace {

using nlohmann::json;

// Every value a field can wrongly have.
std::vector<json> wrongValues() {
    return {json("x"),  json("1.5"),          json(7),         json(-1),          json(1.5e300),
            json(true), json(nullptr),        json::object(),  json::array(),     json::array({1, "a"}),
            json(std::numeric_limits<std::uint64_t>::max())};
}

// Every field path of `j` below `prefix`, array indices as '#', each leaf with its JSON type.
void collectShape(const json& j, const std::string& prefix, std::set<std::string>& out) {
    out.insert(prefix);
    if (j.is_object()) {
        for (const auto& [key, value] : j.items()) collectShape(value, prefix + "/" + key, out);
    } else if (j.is_array()) {
        for (const auto& value : j) collectShape(value, prefix + "/#", out);
    } else {
        out.insert(prefix + ":" + j.type_name());
    }
}

// `j` with each array cut to its first two elements plus every later one that has a field (or a
// field's type) those before it lack. A wrong value in the 600th row of a page of klines takes the
// same code path as in the 2nd, and mutating every node of a full REST page re-parses the whole
// page once per node: quadratic, minutes under AddressSanitizer at -O0 (CI's suite) for nothing
// more than the trimmed document proves.
json trimRepeats(const json& j) {
    if (j.is_object()) {
        json out = json::object();
        for (const auto& [key, value] : j.items()) out[key] = trimRepeats(value);
        return out;
    }
    if (!j.is_array()) return j;
    json out = json::array();
    std::set<std::string> seen;
    for (std::size_t i = 0; i < j.size(); ++i) {
        std::set<std::string> shape;
        collectShape(j[i], "", shape);
        const bool bringsSomething =
            i < 2 || std::any_of(shape.begin(), shape.end(), [&](const auto& s) { return !seen.contains(s); });
        if (!bringsSomething) continue;
        seen.insert(shape.begin(), shape.end());
        out.push_back(trimRepeats(j[i]));
    }
    return out;
}

// Calls `visit` with every variant of `doc` (its repeats trimmed) in which one node (not the root)
// is replaced by a wrong value or removed. Returns how many variants were made.
std::size_t forEachMutation(const json& whole, const std::function<void(const std::string&)>& visit) {
    std::size_t count = 0;
    const json doc = trimRepeats(whole);
    const json flat = doc.flatten();
    std::vector<json::json_pointer> pointers;
    for (auto it = flat.begin(); it != flat.end(); ++it) {
        json::json_pointer leaf(it.key());
        // The leaf and each of its containers below the root.
        for (auto p = leaf; !p.empty(); p = p.parent_pointer()) pointers.push_back(p);
    }
    std::sort(pointers.begin(), pointers.end(),
              [](const auto& a, const auto& b) { return a.to_string() < b.to_string(); });
    pointers.erase(std::unique(pointers.begin(), pointers.end()), pointers.end());
    for (const auto& p : pointers) {
        for (const json& v : wrongValues()) {
            json copy = doc;
            copy[p] = v;
            visit(copy.dump());
            ++count;
        }
        json copy = doc;
        const auto parent = p.parent_pointer();
        json& container = copy[parent];
        if (container.is_object()) {
            container.erase(p.back());
        } else if (container.is_array()) {
            container.erase(static_cast<std::size_t>(std::stoul(p.back())));
        }
        visit(copy.dump());
        ++count;
    }
    return count;
}

std::unique_ptr<ExchangeAdapter> adapterFor(const std::string& venue) {
    auto a = makeAdapter(venue);
    EXPECT_TRUE(a) << venue;
    return std::move(*a);
}

struct Payloads {
    std::vector<std::string> stream, history, exchangeInfo, serverTime, depth, streamConnect;
};

// Binance's stream frames: one of each kind from the captures, and Binance's documented examples.
std::vector<std::string> binanceCapturedFrames() {
    std::vector<std::string> out;
    std::ifstream in(test::fixturePath("binance-captures/BINANCE_US.ws.1.0"));
    std::string line;
    std::set<std::string> kinds;
    while (std::getline(in, line)) {
        const auto brace = line.find('{');
        if (brace == std::string::npos) continue;
        const std::string frame = line.substr(brace);
        const auto j = json::parse(frame, nullptr, false);
        if (j.is_discarded() || !j.contains("stream")) continue;
        std::string kind = j["stream"].get<std::string>();
        kind = kind.substr(kind.find('@'));
        if (kinds.insert(kind).second) out.push_back(frame);
    }
    return out;
}

Payloads binancePayloads() {
    Payloads p;
    p.stream = binanceCapturedFrames();
    EXPECT_GE(p.stream.size(), 4u);
    for (const char* f : {
             R"({"e":"trade","E":1672515782136,"s":"BNBBTC","t":12345,"p":"0.001","q":"100","T":1672515782136,"m":true,"M":true})",
             R"({"e":"24hrTicker","E":1672515782136,"s":"BNBBTC","p":"0.0015","P":"250.00","w":"0.0018","x":"0.0009","c":"0.0025","Q":"10","b":"0.0024","B":"10","a":"0.0026","A":"100","o":"0.0010","h":"0.0025","l":"0.0010","v":"10000","q":"18","O":0,"C":86400000,"F":0,"L":18150,"n":18151})",
             R"({"stream":"bnbbtc@miniTicker","data":{"e":"24hrMiniTicker","E":1672515782136,"s":"BNBBTC","c":"0.0025","o":"0.0010","h":"0.0025","l":"0.0010","v":"10000","q":"18"}})",
             R"({"stream":"bnbbtc@depth5@100ms","data":{"lastUpdateId":160,"bids":[["0.0024","10"]],"asks":[["0.0026","100"]]}})",
             R"({"stream":"!serverShutdown","data":{"e":"serverShutdown","E":1770123456789}})",
             R"({"result":["btcusdt@trade"],"id":1})",
             R"({"error":{"code":2,"msg":"Invalid request: invalid stream"},"id":2})"})
        p.stream.emplace_back(f);
    p.history = {test::readFixture("binance-rest/BTCUSDT-1h-2024-01-15.klines.json")};
    p.exchangeInfo = {test::readFixture("binance-captures/exchangeInfo.subset.json")};
    p.serverTime = {R"({"serverTime":1499827319559})", R"({"code":-1121,"msg":"Invalid symbol."})"};
    p.depth = {R"({"lastUpdateId":1027024,"bids":[["4.00000000","431.00000000"]],"asks":[["4.00000200","12.00000000"]]})"};
    return p;
}

Payloads venuePayloads(const std::string& venue) {
    if (venue == "binance") return binancePayloads();
    const auto read = [&](std::initializer_list<const char*> files) {
        std::vector<std::string> out;
        for (const char* f : files) out.push_back(test::readFixture(venue + "/" + f));
        return out;
    };
    Payloads p;
    if (venue == "bybit") {
        p.stream = read({"kline-ws.json", "trade-ws.json", "orderbook-ws-snapshot.json", "ticker-ws-spot.json",
                         "pong-spot.json", "subscribe-reply.json"});
        p.history = read({"kline-rest.json"});
        p.exchangeInfo = read({"instruments-spot.json"});
        p.serverTime = read({"time.json"});
        p.depth = read({"orderbook-rest.json"});
    } else if (venue == "okx") {
        p.stream = read({"bbo-tbt-ws.json", "books-ws-snapshot.json", "books-ws-update.json", "books5-ws.json",
                         "candle-ws.json", "notice.json", "subscribe-error.json", "subscribe-reply.json",
                         "tickers-ws.json", "trades-ws.json"});
        p.history = read({"history-candles.json"});
        p.exchangeInfo = read({"instruments-spot.json"});
        p.serverTime = read({"time.json"});
        p.depth = read({"books-rest.json"});
    } else if (venue == "kucoin") {
        p.stream = read({"ack.json", "candles-ws.json", "level2-ws.json", "level2depth5-ws.json", "match-ws.json",
                         "pong.json", "snapshot-ws.json", "ticker-ws.json", "welcome.json"});
        p.history = read({"candles-rest.json", "candles-1week-issue350.json"});
        p.exchangeInfo = read({"symbols.json"});
        p.serverTime = read({"timestamp.json"});
        p.depth = read({"orderbook-level2_20.json"});
        p.streamConnect = read({"bullet-public.json"});
    }
    return p;
}

class HostileCodec : public ::testing::TestWithParam<std::string> {};

// Runs `parse` on every mutation of every payload; an exception fails the test with the payload.
template <class Parse>
std::size_t expectNoThrow(const std::vector<std::string>& payloads, const char* what, Parse parse) {
    std::size_t variants = 0;
    for (const auto& body : payloads) {
        const json doc = json::parse(body, nullptr, false);
        EXPECT_FALSE(doc.is_discarded()) << what << ": fixture is not JSON";
        if (doc.is_discarded()) continue;
        std::size_t thrown = 0;
        std::string firstThrown;
        variants += forEachMutation(doc, [&](const std::string& mutated) {
            try {
                parse(mutated);
            } catch (const std::exception& e) {
                if (thrown++ == 0) firstThrown = mutated.substr(0, 300) + " -> " + e.what();
            }
        });
        EXPECT_EQ(thrown, 0u) << what << ": the codec threw; first: " << firstThrown;
    }
    return variants;
}

TEST_P(HostileCodec, EveryParserRejectsAWronglyTypedFieldWithoutThrowing) {
    const auto adapter = adapterFor(GetParam());
    ASSERT_TRUE(adapter);
    const Payloads p = venuePayloads(GetParam());
    const ExchangeAdapter& a = *adapter;
    std::size_t variants = 0;
    variants += expectNoThrow(p.stream, "stream frame", [&](const std::string& f) {
        (void)a.streamNameOfFrame(f);
        (void)a.parseStreamMessage(f);
    });
    HistoryQuery query;
    query.symbol = a.symbolFor("BTC", "USDT");
    query.interval = Interval::H1;
    variants += expectNoThrow(p.history, "history", [&](const std::string& b) {
        (void)a.parseHistory(b, 200, 1700000000000);
        (void)a.parseHistoryFor(query, b, 200, 1700000000000);
    });
    variants += expectNoThrow(p.exchangeInfo, "exchange info",
                              [&](const std::string& b) { (void)a.parseExchangeInfo(b, 200); });
    variants += expectNoThrow(p.serverTime, "server time",
                              [&](const std::string& b) { (void)a.parseServerTime(b, 200); });
    variants += expectNoThrow(p.depth, "depth snapshot",
                              [&](const std::string& b) { (void)a.parseDepthSnapshot(b, 200, query.symbol); });
    variants += expectNoThrow(p.streamConnect, "stream connect",
                              [&](const std::string& b) { (void)a.parseStreamConnect(b, 200, "cpc-1"); });
    EXPECT_GT(variants, 500u);
}

// The exact cases of the report: one wrongly typed field is an Error that names the problem, and
// the same frame with the field right parses.
TEST(HostileCodecCases, BinanceTradeAndKlineWithAWrongTypeAreErrors) {
    const auto a = adapterFor("binance");
    const std::string trade =
        R"({"e":"trade","E":1672515782136,"s":"BNBBTC","t":12345,"p":"0.001","q":"100","T":1672515782136,"m":%M%,"M":true})";
    const auto withM = [&](const std::string& m) {
        std::string f = trade;
        f.replace(f.find("%M%"), 3, m);
        return f;
    };
    ASSERT_TRUE(a->parseStreamMessage(withM("true")));
    const auto bad = a->parseStreamMessage(withM("\"true\""));
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().message.find("boolean"), std::string::npos) << bad.error().message;

    const std::string kline =
        R"({"e":"kline","E":1672515782136,"s":"BNBBTC","k":{"t":1672515780000,"T":1672515839999,"s":%S%,)"
        R"("i":%I%,"f":100,"L":200,"o":"0.0010","c":"0.0020","h":"0.0025","l":"0.0015","v":"1000","n":100,)"
        R"("x":false,"q":"1.0000","V":"500","Q":"0.500","B":"123456"}})";
    const auto withSI = [&](const std::string& s, const std::string& i) {
        std::string f = kline;
        f.replace(f.find("%S%"), 3, s);
        f.replace(f.find("%I%"), 3, i);
        return f;
    };
    ASSERT_TRUE(a->parseStreamMessage(withSI("\"BNBBTC\"", "\"1m\"")));
    EXPECT_FALSE(a->parseStreamMessage(withSI("42", "\"1m\"")));
    EXPECT_FALSE(a->parseStreamMessage(withSI("\"BNBBTC\"", "60")));

    const auto info = a->parseExchangeInfo(R"({"symbols":[{"symbol":"BTCUSDT","status":7}]})", 200);
    ASSERT_FALSE(info);
    EXPECT_NE(info.error().message.find("exchangeInfo"), std::string::npos) << info.error().message;
}

// A proxy's or a CDN's HTML page with status 200 (wrong content type): every REST parser and the
// stream parser answer an Error saying the answer is not the JSON expected, never an empty success.
TEST_P(HostileCodec, AnHtmlPageWithStatus200IsAnErrorForEveryParser) {
    const auto adapter = adapterFor(GetParam());
    ASSERT_TRUE(adapter);
    const ExchangeAdapter& a = *adapter;
    const std::string html = "<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>"
                             "<h1>Checking your browser</h1></body></html>";
    HistoryQuery query;
    query.symbol = a.symbolFor("BTC", "USDT");
    query.interval = Interval::H1;
    const auto expectNamedError = [&](const auto& result, const char* parser) {
        ASSERT_FALSE(result) << parser << " accepted an HTML page";
        EXPECT_NE(result.error().message.find("JSON"), std::string::npos) << parser << ": " << result.error().message;
    };
    expectNamedError(a.parseHistory(html, 200, 1700000000000), "history");
    expectNamedError(a.parseHistoryFor(query, html, 200, 1700000000000), "history for a query");
    expectNamedError(a.parseExchangeInfo(html, 200), "exchange info");
    expectNamedError(a.parseServerTime(html, 200), "server time");
    expectNamedError(a.parseDepthSnapshot(html, 200, query.symbol), "depth snapshot");
    if (a.streamConnectRequest()) expectNamedError(a.parseStreamConnect(html, 200, "cpc-1"), "stream connect");
    expectNamedError(a.parseStreamMessage(html), "stream frame");
}

INSTANTIATE_TEST_SUITE_P(Venues, HostileCodec, ::testing::Values("binance", "bybit", "okx", "kucoin"),
                         [](const auto& p) { return p.param; });

}  // namespace
}  // namespace cpc::exchange

namespace cpc::exchange {
namespace {

// A symbol goes into REST targets and WebSocket upgrade URLs: anything outside the venue's alphabet
// ('&', '?', spaces, CR/LF …) is refused with what is accepted.
TEST(SymbolCheck, EachVenueAcceptsItsAlphabetOnly) {
    for (const std::string venue : {"binance", "bybit", "okx", "kucoin"}) {
        const auto a = adapterFor(venue);
        EXPECT_FALSE(a->checkSymbol(a->symbolFor("BTC", "USDT"))) << venue;
        EXPECT_FALSE(a->checkSymbol("1000PEPEUSDT")) << venue;
        EXPECT_FALSE(a->checkSymbol("btcusdt")) << venue;
        for (const std::string& bad : {std::string(), std::string("BTCUSDT&limit=1000"), std::string("BTCUSDT?x"),
                                      std::string("BTC USDT"), std::string("BTCUSDT\r\nHost: evil"),
                                      std::string("BTC/USDT"), std::string("BTC%26"), std::string(40, 'A'),
                                      std::string("BTC\0USDT", 8), std::string("BTC\xC3\xA9")}) {
            const auto e = a->checkSymbol(bad);
            ASSERT_TRUE(e) << venue << ": '" << bad << "' accepted";
            EXPECT_NE(e->message.find("accepted: 1 to 32 of ASCII letters, digits"), std::string::npos) << e->message;
            EXPECT_EQ(e->message.find('\r'), std::string::npos) << e->message;
            EXPECT_EQ(e->message.find('\n'), std::string::npos) << e->message;
        }
    }
    EXPECT_NE(adapterFor("binance")->checkSymbol("BTC USDT")->message.find("0x20 (a space)"), std::string::npos);
    EXPECT_NE(adapterFor("okx")->checkSymbol("BTC&USDT")->message.find("contains '&'"), std::string::npos);
    EXPECT_TRUE(adapterFor("bybit")->checkSymbol("BTC-USDT"));  // Bybit's spot symbols have no '-'
    EXPECT_FALSE(adapterFor("okx")->checkSymbol("BTC-USDT"));
    EXPECT_TRUE(adapterFor("okx")->checkSymbol("BTC_USDT"));
    EXPECT_FALSE(adapterFor("binance")->checkSymbol("BTC_USDT.X-1"));
}

}  // namespace
}  // namespace cpc::exchange

#include "cpc/exchange/history_rows.hpp"

namespace cpc::exchange {
namespace {

Candle rowAt(std::int64_t openTime, bool closed) {
    Candle c;
    c.openTime = openTime;
    c.open = c.high = c.low = c.close = Decimal::fromInt(1);
    c.closed = closed;
    return c;
}

// A history answer with an open time off the interval's boundaries is refused whole; a row marked
// closed whose close time has not passed on the given clock stays provisional (issue 20: both
// were stored as closed).
TEST(HistoryRows, MisalignedOpenTimesAreRefusedAndAFormingRowIsNeverClosed) {
    const std::int64_t minute = 1704067200000;  // 2024-01-01 00:00 UTC
    auto ok = checkHistoryRows({rowAt(minute, true), rowAt(minute + 60'000, true)}, Interval::M1,
                               minute + 120'000, "okx");
    ASSERT_TRUE(ok) << ok.error().message;
    EXPECT_TRUE((*ok)[0].closed);
    EXPECT_TRUE((*ok)[1].closed);

    const auto misaligned = checkHistoryRows({rowAt(minute, true), rowAt(minute + 90'000, true)}, Interval::M1,
                                             minute + 600'000, "binance");
    ASSERT_FALSE(misaligned);
    EXPECT_NE(misaligned.error().message.find("2024-01-01 00:01:30"), std::string::npos) << misaligned.error().message;
    EXPECT_NE(misaligned.error().message.find("not on the interval's boundaries"), std::string::npos);
    EXPECT_FALSE(checkHistoryRows({rowAt(1704096000000 + 3'600'000, true)}, Interval::D1, minute * 2, "kucoin"));
    EXPECT_FALSE(checkHistoryRows({rowAt(1704067200000 + 86'400'000, true)}, Interval::Mo1, minute * 2, "bybit"));
    EXPECT_TRUE(checkHistoryRows({rowAt(1704067200000 + 86'400'000, true)}, Interval::D3, minute * 2, "bybit"));

    // The venue says closed (OKX's confirm, or a clock running ahead of its rows), but the candle's
    // minute is not over by the clock given: provisional.
    auto forming = checkHistoryRows({rowAt(minute, true), rowAt(minute + 60'000, true)}, Interval::M1,
                                    minute + 60'000 + 59'999, "okx");
    ASSERT_TRUE(forming);
    EXPECT_TRUE((*forming)[0].closed);
    EXPECT_FALSE((*forming)[1].closed);
}

}  // namespace
}  // namespace cpc::exchange
