// The parsers of one venue's codec (CPC_FUZZ_VENUE), one per input: the input's first byte says
// which (its low bits) and with which HTTP status (its high bit: an error status), the rest are the
// bytes it reads — a WebSocket frame (parseStreamMessage, streamNameOfFrame) or a REST answer
// (klines with and without the query, exchange info, server time, book snapshot, KuCoin's stream
// token). One parser an input, not all of them on every input, so that a target runs its 10^7
// inputs in hours, not days (docs/COVERAGE.md). What must hold: no crash, no sanitizer report, no
// exception out of the codec (the reader coroutine would die), and a bad answer is an Error with a
// message. On Binance also: wherever the fast path of the stream codec answers
// (binance_fast_frame.hpp), the full codec answers the very same events, spot and USD-M.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "cpc/exchange/binance/binance_fast_frame.hpp"
#include "cpc/exchange/registry.hpp"
#include "support/stream_event_text.hpp"
#include "venue_parsers.hpp"

namespace {

const cpc::exchange::ExchangeAdapter& adapter() {
    static const auto made = cpc::exchange::makeAdapter(CPC_FUZZ_VENUE);
    if (!made) std::abort();
    return **made;
}

template <class R>
void expectMessageOnError(const R& result) {
    // A refusal the user sees must say something.
    if (!result.ok() && result.error().message.empty()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using cpc::fuzz::VenueParser;
    if (size == 0) return -1;  // no selector: not an input of this target
    const auto& codec = adapter();
    const auto parser = static_cast<VenueParser>((data[0] & ~cpc::fuzz::kErrorStatusBit) % cpc::fuzz::kVenueParsers);
    const int status = (data[0] & cpc::fuzz::kErrorStatusBit) ? 400 : 200;
    const std::string_view bytes(reinterpret_cast<const char*>(data + 1), size - 1);
    const std::string symbol = codec.symbolFor("BTC", "USDT");
    constexpr std::int64_t kNow = 1'700'000'000'000;

    switch (parser) {
        case VenueParser::Stream:
            expectMessageOnError(codec.parseStreamMessage(bytes));
            (void)codec.streamNameOfFrame(bytes);
            if (std::string_view(CPC_FUZZ_VENUE) == "binance") {
                for (const cpc::MarketType market : {cpc::MarketType::Spot, cpc::MarketType::Perp}) {
                    const auto fast = cpc::exchange::binance::parseHotFrame(bytes, market);
                    if (!fast) continue;
                    const auto full = cpc::exchange::binance::parseFrameFullCodec(bytes, market);
                    if (!full.ok() ||
                        cpc::exchange::event_text::describe(*full) != cpc::exchange::event_text::describe(*fast))
                        std::abort();
                }
            }
            break;
        case VenueParser::History: expectMessageOnError(codec.parseHistory(bytes, status, kNow)); break;
        case VenueParser::HistoryFor: {
            cpc::exchange::HistoryQuery query;
            query.symbol = symbol;
            query.interval = cpc::Interval::H1;
            query.startTime = kNow - 100 * 3'600'000;
            query.endTime = kNow;
            expectMessageOnError(codec.parseHistoryFor(query, bytes, status, kNow));
            break;
        }
        case VenueParser::ExchangeInfo: expectMessageOnError(codec.parseExchangeInfo(bytes, status)); break;
        case VenueParser::ServerTime: expectMessageOnError(codec.parseServerTime(bytes, status)); break;
        case VenueParser::DepthSnapshot: expectMessageOnError(codec.parseDepthSnapshot(bytes, status, symbol)); break;
        case VenueParser::StreamConnect:
            if (codec.streamConnectRequest()) expectMessageOnError(codec.parseStreamConnect(bytes, status, "1"));
            break;
    }
    return 0;
}
