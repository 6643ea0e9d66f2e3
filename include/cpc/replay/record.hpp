#pragma once
// The recording format of `cpc record` (docs/RECORDING.md has the byte layout): a directory of
// append-only segment files, each a plain header (magic, format version, the session's
// description as JSON) followed by independently decodable zstd frames whose concatenated
// content is a sequence of records (length, CRC-32, fixed 32-byte head, payload). Qt-free.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cpc/core/candle.hpp"  // MarketType
#include "cpc/core/result.hpp"

namespace cpc::replay {

inline constexpr char kMagic[8] = {'C', 'P', 'C', 'R', 'E', 'C', '\r', '\n'};
// The version written; the reader also reads every version from kOldestFormatVersion on.
// 1: each record framed by length + CRC-32, steady time absolute. 2 (smaller by a third): each
// record framed by its length only, steady time stored as its difference to the wall time, and a
// Check record closing every flush holds the CRC-32 of the flush's records.
inline constexpr std::uint32_t kFormatVersion = 2;
inline constexpr std::uint32_t kOldestFormatVersion = 1;
// The type byte of version 2's Check record (read and verified by the reader, never handed out).
inline constexpr std::uint8_t kCheckRecordType = 6;
inline constexpr const char* kSegmentSuffix = ".cpcrec";
inline constexpr std::size_t kRecordHead = 32;               // bytes of a record body before its payload
inline constexpr std::uint32_t kMaxRecordBody = 64u << 20;   // a larger length is corruption

enum class RecordType : std::uint8_t {
    Frame = 1,    // a WebSocket frame as received on `socket`; payload: its bytes
    Opened = 2,   // `socket` opened for connection `aux`; flags bit 0: a rotation's new socket; payload: URL
    Closed = 3,   // `socket`'s reading ended; payload: the reason
    Switched = 4, // the rotation socket `socket` became connection `aux`'s socket
    Rest = 5,     // a REST answer; aux: HTTP status (0: no answer); payload: method, target, body (see below)
};

// What was recorded: enough to replay it through the same venue adapter and streams.
struct SessionInfo {
    std::string exchange;                 // registry name: binance, bybit, okx, kucoin
    MarketType market = MarketType::Spot;  // "market":"perp" in the header; absent: spot (older files)
    std::string restBase;                 // the adapter's endpoints when recorded
    std::string streamBase;
    std::vector<std::string> symbols;     // as the venue spells them
    std::vector<std::string> streams;     // `cpc stream` tokens: kline_1m, trade, depth…
    std::int64_t startedAtMs = 0;         // the recording's start (wall clock)
    std::uint64_t segment = 0;            // this file's number, from 1
    std::string toJson() const;
    static Result<SessionInfo> fromJson(std::string_view text);
};

// One record as read (views into the reader's buffer, valid until the next read).
struct RecordView {
    RecordType type = RecordType::Frame;
    std::uint8_t flags = 0;
    std::uint32_t socket = 0;
    std::int32_t aux = 0;
    std::int64_t wallUs = 0;    // receipt, system clock, µs since the epoch
    std::int64_t steadyUs = 0;  // receipt, steady clock, µs (orders records within a recording run)
    std::string_view payload;   // Frame: bytes; Opened: URL; Closed: reason
    // Rest: the request and the answer (payload = u8 method length, method, u32 target length, target, body)
    std::string_view method, target, body;
};

// CRC-32 (IEEE 802.3, the zip / PNG one), `seed` the CRC of the bytes before.
std::uint32_t crc32(std::string_view bytes, std::uint32_t seed = 0);

// Appends one encoded record to `out` in format `version` (2: length, head, payload; 1: length,
// CRC, head, payload). appendRest lays out the Rest record's parts (method, target, body).
void appendRecord(std::string& out, RecordType type, std::uint8_t flags, std::uint32_t socket, std::int32_t aux,
                  std::int64_t wallUs, std::int64_t steadyUs, std::string_view payload,
                  std::uint32_t version = kFormatVersion);
void appendRest(std::string& out, std::int32_t status, std::int64_t wallUs, std::int64_t steadyUs,
                std::string_view method, std::string_view target, std::string_view body,
                std::uint32_t version = kFormatVersion);
// Version 2: appends the Check record closing the records of `out` from byte `from` on (their
// CRC-32): the writer closes every flush with one.
void appendCheck(std::string& out, std::size_t from);

// The name of segment `number` started at `startedAtMs`: 00000001-20261206T031800Z.cpcrec
// (names sort in recording order).
std::string segmentName(std::uint64_t number, std::int64_t startedAtMs);

}  // namespace cpc::replay
