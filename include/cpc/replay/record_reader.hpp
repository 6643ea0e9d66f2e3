#pragma once
// RecordReader: reads a recording directory (docs/RECORDING.md) record by record, segment after
// segment. Every file of the directory must be a segment; a foreign or corrupt file, a record
// failing its CRC, or a segment cut in the middle that is not the last one is an error naming the
// file. A last segment cut by a kill -9 (inside a zstd frame or a record) is read up to its last
// whole record, and notices() says so.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "cpc/core/result.hpp"
#include "cpc/replay/record.hpp"

namespace cpc::replay {

class RecordReader {
public:
    // Lists and checks every segment's header; the first one's SessionInfo is info().
    static Result<std::unique_ptr<RecordReader>> open(const std::filesystem::path& dir);
    ~RecordReader();
    RecordReader(const RecordReader&) = delete;
    RecordReader& operator=(const RecordReader&) = delete;

    const SessionInfo& info() const { return m_info; }
    const std::vector<std::filesystem::path>& segments() const { return m_segments; }
    // The next record (its views valid until the next call); false after the last one.
    Result<bool> next(RecordView& out);
    // What reading found worth saying (a cut last segment); grows while reading.
    const std::vector<std::string>& notices() const { return m_notices; }
    std::uint64_t recordsRead() const { return m_records; }

private:
    RecordReader() = default;
    Result<bool> openNext();
    Result<bool> decodeMore();  // false: the segment's data is exhausted
    Result<Ok> endOfSegment();
    // Version 2: finds the next Check from m_begin and verifies the records before it (decoding
    // more as needed); true once m_verified > 0, false at the end of the segment's data.
    Result<bool> verifyNextFlush();

    SessionInfo m_info;
    std::vector<std::filesystem::path> m_segments;
    std::size_t m_current = 0;  // index of the open segment + 1 (0: none open yet)
    std::FILE* m_file = nullptr;
    void* m_dctx = nullptr;  // ZSTD_DCtx
    // Raw buffers, not std::vector<char>: a vector zeroes what it allocates, up to 3 MB at every
    // open (a seek in the app reopens the recording), all of it overwritten before it is read.
    std::unique_ptr<char[]> m_in;
    std::size_t m_inSize = 0;
    std::size_t m_inPos = 0, m_inEnd = 0;
    bool m_fileDone = false;
    std::size_t m_frameState = 0;  // the last ZSTD_decompressStream result: 0 at a frame's end
    std::unique_ptr<char[]> m_out;  // decoded bytes [m_begin, m_end)
    std::size_t m_outSize = 0;
    std::size_t m_outChunk = 0;  // the room decodeMore keeps free past m_end (sized at open)
    std::size_t m_begin = 0, m_end = 0;
    std::uint32_t m_version = kFormatVersion;  // of the open segment
    // Version 2: bytes from m_begin that a Check has verified (handed out record by record), and
    // how far past m_begin the search for the next Check got.
    std::size_t m_verified = 0;
    std::size_t m_scanned = 0;
    bool m_unverifiedTail = false;  // the segment ended before its last records' Check (cut)
    std::uint64_t m_records = 0;
    std::uint64_t m_segmentRecords = 0;
    std::int64_t m_lastWallUs = 0;
    std::vector<std::string> m_notices;
};

}  // namespace cpc::replay
