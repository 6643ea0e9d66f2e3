#pragma once
// The venue codec fuzz targets' input layout (venue_codec_fuzzer.cpp, and seeds.cpp writing their
// corpora): byte 0 selects the parser (its value modulo kVenueParsers) and, with kErrorStatusBit,
// an error HTTP status (400) instead of 200; the bytes after it are what the parser reads.
#include <cstdint>

namespace cpc::fuzz {

enum class VenueParser : std::uint8_t {
    Stream,         // a WebSocket frame: parseStreamMessage, streamNameOfFrame (Binance: its fast path)
    History,        // parseHistory: a klines answer
    HistoryFor,     // parseHistoryFor: a klines answer to a query with a range
    ExchangeInfo,   // parseExchangeInfo
    ServerTime,     // parseServerTime
    DepthSnapshot,  // parseDepthSnapshot
    StreamConnect,  // parseStreamConnect (KuCoin's token answer; nothing on the others)
};
inline constexpr std::uint8_t kVenueParsers = 7;
inline constexpr std::uint8_t kErrorStatusBit = 0x80;

}  // namespace cpc::fuzz
