// The fast path of Binance's stream codec (binance_fast_frame.hpp) against the full codec: whenever
// the fast path answers, the full codec must answer the very same events (every field); and on the
// real captures the hot frames (depth, aggTrade, kline) must take the fast path, or it speeds
// nothing up. The inputs are the real captures, the documented USD-M payloads, hand-written
// frames of every hot kind, and — in the fuzz targets' manner — every one-byte change, deletion
// and cut of one frame of each kind plus seeded random mutations of all of them, so malformed
// and unusual input is covered: there the fast path must either agree or leave the frame to the
// full codec.
#include <gtest/gtest.h>

#include <random>
#include <sstream>

#include "cpc/exchange/binance/binance_adapter.hpp"
#include "cpc/exchange/binance/binance_fast_frame.hpp"
#include "support/fixtures.hpp"
#include "support/stream_event_text.hpp"

using namespace cpc;
using namespace cpc::exchange;

namespace {

std::vector<std::string> captureFrames(const std::string& file) {
    std::istringstream in(test::readFixture(file));
    std::string line;
    std::vector<std::string> frames;
    std::getline(in, line);  // URL line
    while (std::getline(in, line)) {
        const auto sep = line.find(": ");
        if (sep != std::string::npos) frames.push_back(line.substr(sep + 2));
    }
    return frames;
}

using cpc::exchange::event_text::describe;

struct Agreement {
    int fast = 0;  // frames the fast path answered
    int fallback = 0;
};

// The property: where the fast path answers, the full codec answers the same.
void expectAgreement(const BinanceAdapter& adapter, std::string_view frame, Agreement& counts) {
    const auto fast = binance::parseHotFrame(frame, adapter.market());
    if (!fast) {
        ++counts.fallback;
        return;
    }
    ++counts.fast;
    const auto full = binance::parseFrameFullCodec(frame, adapter.market());
    ASSERT_TRUE(full) << "fast path answered a frame the full codec refuses (" << full.error().message
                      << "): " << frame;
    ASSERT_EQ(describe(*fast), describe(*full)) << frame;
    // And the adapter's own entry point gives the same.
    const auto viaAdapter = adapter.parseStreamMessage(frame);
    ASSERT_TRUE(viaAdapter);
    ASSERT_EQ(describe(*viaAdapter), describe(*full));
}

std::vector<std::string> realFrames() {
    std::vector<std::string> all;
    for (const char* file : {"binance-captures/BINANCE.ws.1.0", "binance-captures/BINANCE_US.ws.1.0"})
        for (auto& f : captureFrames(file)) all.push_back(std::move(f));
    return all;
}

const std::string kTrade =
    R"({"stream":"btcusdt@trade","data":{"e":"trade","E":1765000000123,"s":"BTCUSDT","t":4000000001,"p":"97000.01000000","q":"0.00120000","T":1765000000120,"m":true,"M":true}})";
const std::string kKlineNoTrades =
    R"({"e":"kline","E":1765000000999,"s":"ETHBTC","k":{"t":1764999960000,"T":1765000019999,"s":"ETHBTC","i":"1m","f":-1,"L":-1,"o":"0.03100000","c":"0.03100000","h":"0.03100000","l":"0.03100000","v":"0","n":0,"x":false,"q":"0","V":"0","Q":"0","B":"0"}})";

}  // namespace

TEST(BinanceFastFrame, EqualsTheFullCodecOnEveryFrameOfTheRealCapturesAndTakesTheHotOnes) {
    const BinanceAdapter adapter;
    Agreement counts;
    int hot = 0;
    for (const auto& f : realFrames()) {
        const bool isHot = f.find(R"("e":"depthUpdate")") != std::string::npos ||
                           f.find(R"("e":"aggTrade")") != std::string::npos ||
                           f.find(R"("e":"kline")") != std::string::npos;
        hot += isHot;
        const int before = counts.fast;
        expectAgreement(adapter, f, counts);
        if (HasFatalFailure()) return;
        // Every hot frame of the real captures is read by the fast path (bookTicker is not).
        if (isHot) {
            EXPECT_EQ(counts.fast, before + 1) << "left to the full codec: " << f;
        }
    }
    EXPECT_GT(hot, 400);
    EXPECT_EQ(counts.fast, hot);
}

TEST(BinanceFastFrame, EqualsTheFullCodecOnHandWrittenAndUsdMFrames) {
    const BinanceAdapter spot;
    const BinanceAdapter perp(Endpoints{"http://127.0.0.1:9", "ws://127.0.0.1:9"}, MarketType::Perp);
    Agreement counts;
    const std::string perpDepth = test::readFixture("binance-perp/depthUpdate-ws.json");
    const std::vector<std::string> frames = {
        kTrade,
        kKlineNoTrades,
        // Whitespace JSON allows, anywhere.
        " {\n\"e\" : \"trade\" ,\t\"E\":1,\"s\":\"BTCUSDT\",\"t\":0,\"p\":\"1\",\"q\":\"2.5\",\"T\":3,\"m\":false }\r\n",
        R"({"e":"depthUpdate","E":5,"s":"X","U":1,"u":2,"b":[ [ "1.5" , "2" ] , ["1.4","0"] ],"a":[]})",
        // No "s", no "E", no "m": the full codec's defaults.
        R"({"e":"trade","t":7,"p":"1","q":"1","T":9})",
        // "data" without "stream" is not the wrapper: the frame itself is the event.
        R"({"data":{"x":1},"e":"trade","t":7,"p":"1","q":"1","T":9})",
        // Unknown members of every JSON kind are skipped.
        R"({"stream":"a","extra":[1,{"z":null}],"data":{"e":"aggTrade","E":1,"s":"A","a":5,"p":"0.1","q":"0.2","f":4,"l":6,"T":2,"m":false,"M":true,"o":{"p":[true,false,null]}}})",
    };
    for (const auto& f : frames) {
        expectAgreement(spot, f, counts);
        if (HasFatalFailure()) return;
    }
    EXPECT_EQ(counts.fast, static_cast<int>(frames.size()));
    // USD-M: "pu" decides the first id; the kline carries the perp market.
    Agreement perpCounts;
    expectAgreement(perp, perpDepth, perpCounts);
    expectAgreement(perp, kKlineNoTrades, perpCounts);
    EXPECT_EQ(perpCounts.fast, 2);
    const auto depth = binance::parseHotFrame(perpDepth, MarketType::Perp);
    ASSERT_TRUE(depth);
    EXPECT_EQ(std::get<DepthUpdate>(depth->front()).firstUpdateId, 150);
}

TEST(BinanceFastFrame, LeavesWhatItCannotBeSureOfToTheFullCodec) {
    const BinanceAdapter adapter;
    // Each of these is either an error of the full codec or a value the fast path does not read
    // the way nlohmann does; the fast path must not answer.
    const std::vector<std::string> frames = {
        R"({"e":"trade","t":7,"p":"1","q":"1","T":9,"m":"yes"})",         // "m" of another type: the codec throws
        R"({"e":"trade","t":7,"p":"1","q":"1","T":9.0})",                 // a float
        R"({"e":"trade","t":7,"p":"1","q":"1","T":9,"E":"1"})",           // "E" as a string
        R"({"e":"trade","t":7,"p":"1","q":"1","T":12345678901234567890})",  // more than 18 digits
        R"({"e":"trade","t":7,"p":"1","q":"1","T":9,"T":10})",            // a duplicate key
        R"({"e":"trade","t":7,"p":"1\u0030","q":"1","T":9})",             // an escape
        "{\"e\":\"trade\",\"s\":\"\xc3\xa9\",\"t\":7,\"p\":\"1\",\"q\":\"1\",\"T\":9}",  // non-ASCII
        R"({"e":"trade","t":7,"p":1,"q":"1","T":9})",                     // a number as a decimal
        R"({"e":"trade","t":7,"p":"1e5","q":"1","T":9})",                 // Decimal::parse refuses it
        R"({"e":"trade","t":7,"p":"1","q":"1","T":9} x)",                 // something after the value
        R"({"e":"trade","t":7,"p":"1","q":"1","T":09})",                  // a leading zero: not JSON
        R"({"e":"depthUpdate","U":1,"u":2,"b":[["1","2","3"]],"a":[]})",  // a level of three
        R"({"e":"depthUpdate","U":1,"u":2,"b":[["1","2"]],"a":[],"pu":"x"})",
        R"({"e":"kline","k":{"t":1,"i":"7m","o":"1","h":"1","l":"1","c":"1","v":"1","q":"1","V":"1","Q":"1","n":1,"x":true}})",
        R"({"e":"kline","s":1,"k":{"t":1,"s":"A","i":"1m","o":"1","h":"1","l":"1","c":"1","v":"1","q":"1","V":"1","Q":"1","n":1,"x":true}})",
        R"({"result":null,"id":1})",
        R"({"stream":"btcusdt@depth5","data":{"lastUpdateId":1,"bids":[],"asks":[]}})",
        R"({"e":"bookTicker"})",
        R"([{"e":"trade"}])",
        "",
    };
    for (const auto& f : frames) EXPECT_FALSE(binance::parseHotFrame(f, MarketType::Spot)) << f;
    // And the adapter still answers them as the full codec does (an error or the same events).
    for (const auto& f : frames) {
        const auto a = adapter.parseStreamMessage(f);
        const auto b = binance::parseFrameFullCodec(f, adapter.market());
        ASSERT_EQ(a.ok(), b.ok()) << f;
        if (a) {
            EXPECT_EQ(describe(*a), describe(*b)) << f;
        } else {
            EXPECT_EQ(a.error().message, b.error().message) << f;
        }
    }
}

TEST(BinanceFastFrame, AgreesOnEveryOneByteChangeDeletionAndCutOfEachHotKind) {
    const BinanceAdapter adapter;
    std::vector<std::string> seeds = {kTrade, kKlineNoTrades};
    for (const char* kind : {R"("e":"depthUpdate")", R"("e":"aggTrade")", R"("e":"kline")"}) {
        for (const auto& f : realFrames())
            if (f.find(kind) != std::string::npos) {
                seeds.push_back(f);
                break;
            }
    }
    ASSERT_EQ(seeds.size(), 5u);
    const std::string replacements = std::string("\"\\,:{}[]-0195.eE tfnx") + '\x80' + '\0';
    Agreement counts;
    for (const auto& seed : seeds) {
        for (std::size_t i = 0; i <= seed.size(); ++i) {
            expectAgreement(adapter, std::string_view(seed).substr(0, i), counts);  // cut
            if (i == seed.size()) break;
            std::string deleted = seed;
            deleted.erase(i, 1);
            expectAgreement(adapter, deleted, counts);
            for (const char r : replacements) {
                std::string changed = seed;
                changed[i] = r;
                expectAgreement(adapter, changed, counts);
            }
            if (HasFatalFailure()) return;
        }
    }
    // The mutations both keep frames readable by the fast path and break them.
    EXPECT_GT(counts.fast, 1000);
    EXPECT_GT(counts.fallback, 1000);
}

TEST(BinanceFastFrame, AgreesOnSeededRandomMutationsOfEveryRealFrame) {
    const BinanceAdapter adapter;
    const auto frames = realFrames();
    std::mt19937_64 rng(16);
    const std::string alphabet = "\"\\,:{}[]-0123456789.eE tfnrulsax\x7f";
    Agreement counts;
    for (int n = 0; n < 20'000; ++n) {
        std::string f = frames[rng() % frames.size()];
        const int edits = 1 + static_cast<int>(rng() % 4);
        for (int e = 0; e < edits && !f.empty(); ++e) {
            const std::size_t at = rng() % f.size();
            switch (rng() % 4) {
            case 0: f[at] = alphabet[rng() % alphabet.size()]; break;
            case 1: f.erase(at, 1 + rng() % 8); break;
            case 2: f.insert(at, 1, alphabet[rng() % alphabet.size()]); break;
            default: f.insert(at, f.substr(rng() % f.size(), rng() % 12)); break;  // a repeated piece
            }
        }
        expectAgreement(adapter, f, counts);
        if (HasFatalFailure()) return;
    }
    EXPECT_GT(counts.fast, 1000);
    EXPECT_GT(counts.fallback, 1000);
}
