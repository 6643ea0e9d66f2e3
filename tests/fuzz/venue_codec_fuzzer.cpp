// Every parser of one venue's codec (CPC_FUZZ_VENUE) on the same bytes: a WebSocket frame
// (parseStreamMessage, streamNameOfFrame) and each REST answer (klines with and without the query,
// exchange info, server time, book snapshot, KuCoin's stream token), as a 200 and as an error
// status. What must hold: no crash, no sanitizer report, no exception out of the codec (the reader
// coroutine would die), and a bad answer is an Error with a message. On Binance also: wherever the
// fast path of the stream codec answers (binance_fast_frame.hpp), the full codec answers the very
// same events, spot and USD-M.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "cpc/exchange/binance/binance_fast_frame.hpp"
#include "cpc/exchange/registry.hpp"
#include "support/stream_event_text.hpp"

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
    const auto& codec = adapter();
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    const std::string symbol = codec.symbolFor("BTC", "USDT");

    expectMessageOnError(codec.parseStreamMessage(bytes));
    (void)codec.streamNameOfFrame(bytes);
    if (std::string_view(CPC_FUZZ_VENUE) == "binance") {
        for (const cpc::MarketType market : {cpc::MarketType::Spot, cpc::MarketType::Perp}) {
            const auto fast = cpc::exchange::binance::parseHotFrame(bytes, market);
            if (!fast) continue;
            const auto full = cpc::exchange::binance::parseFrameFullCodec(bytes, market);
            if (!full.ok() || cpc::exchange::event_text::describe(*full) != cpc::exchange::event_text::describe(*fast)) std::abort();
        }
    }

    constexpr std::int64_t kNow = 1'700'000'000'000;
    for (const int status : {200, 400}) {
        expectMessageOnError(codec.parseHistory(bytes, status, kNow));
        expectMessageOnError(codec.parseExchangeInfo(bytes, status));
        expectMessageOnError(codec.parseServerTime(bytes, status));
        expectMessageOnError(codec.parseDepthSnapshot(bytes, status, symbol));
    }
    cpc::exchange::HistoryQuery query;
    query.symbol = symbol;
    query.interval = cpc::Interval::H1;
    query.startTime = kNow - 100 * 3'600'000;
    query.endTime = kNow;
    expectMessageOnError(codec.parseHistoryFor(query, bytes, 200, kNow));
    if (codec.streamConnectRequest()) expectMessageOnError(codec.parseStreamConnect(bytes, 200, "1"));
    return 0;
}
