#include "cpc/replay/record_reader.hpp"

#include <algorithm>
#include <cstring>
#include <ctime>
#include <system_error>

#include <zstd.h>

namespace cpc::replay {

namespace {

// The read and decode chunks follow the recording's size: a small recording (a test's, a short
// session's) gets 64 KiB chunks, a large one 1 MiB. A seek in the app reopens the recording, so the
// buffers are paid at every seek. A chunk is a step size, not a limit: a longer record grows the
// output buffer.
constexpr std::size_t kMinChunk = 64u << 10;
constexpr std::size_t kMaxChunk = 1u << 20;

std::uint32_t getU32(const char* p) {
    std::uint32_t v = 0;
    for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(p[i]);
    return v;
}
std::uint64_t getU64(const char* p) {
    std::uint64_t v = 0;
    for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(p[i]);
    return v;
}

std::string utcText(std::int64_t wallUs) {
    const std::time_t seconds = static_cast<std::time_t>(wallUs / 1'000'000);
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    char text[40];
    const std::size_t n = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &tm);
    std::snprintf(text + n, sizeof text - n, ".%03dZ", static_cast<int>((wallUs / 1000) % 1000));
    return text;
}

constexpr const char* kWhatBelongs =
    "a recording directory holds only the NNNNNNNN-YYYYMMDDTHHMMSSZ.cpcrec segments cpc record writes";

// The segment's header: magic, version, session JSON. Leaves `file` at the first zstd frame.
Result<SessionInfo> readHeader(std::FILE* file, const std::filesystem::path& path, std::uint32_t* versionOut = nullptr) {
    char head[16];
    if (std::fread(head, 1, sizeof head, file) != sizeof head || std::memcmp(head, kMagic, sizeof kMagic) != 0)
        return makeError(path.string() + ": not a cpc recording segment (it does not start with the CPCREC magic; " +
                         kWhatBelongs + ")");
    const std::uint32_t version = getU32(head + 8);
    if (version < kOldestFormatVersion || version > kFormatVersion)
        return makeError(path.string() + ": recording format version " + std::to_string(version) +
                         "; this cpc reads versions " + std::to_string(kOldestFormatVersion) + " to " +
                         std::to_string(kFormatVersion));
    if (versionOut) *versionOut = version;
    const std::uint32_t length = getU32(head + 12);
    if (length > (1u << 20)) return makeError(path.string() + ": corrupt segment header (session length " +
                                              std::to_string(length) + ")");
    std::string json(length, '\0');
    if (std::fread(json.data(), 1, length, file) != length)
        return makeError(path.string() + ": the segment ends inside its header");
    auto info = SessionInfo::fromJson(json);
    if (!info) return makeError(path.string() + ": " + info.error().message);
    return info;
}

}  // namespace

RecordReader::~RecordReader() {
    if (m_file) std::fclose(m_file);
    if (m_dctx) ZSTD_freeDCtx(static_cast<ZSTD_DCtx*>(m_dctx));
}

Result<std::unique_ptr<RecordReader>> RecordReader::open(const std::filesystem::path& dir) {
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) return makeError(dir.string() + ": no such recording directory");
    std::unique_ptr<RecordReader> r(new RecordReader());
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
        const auto name = entry.path().filename().string();
        if (!entry.is_regular_file() || !name.ends_with(kSegmentSuffix))
            return makeError(entry.path().string() + ": not a recording segment (" + kWhatBelongs + ")");
        r->m_segments.push_back(entry.path());
    }
    if (ec) return makeError("cannot list " + dir.string() + ": " + ec.message());
    if (r->m_segments.empty()) return makeError(dir.string() + ": no recording segments (" + kWhatBelongs + ")");
    std::sort(r->m_segments.begin(), r->m_segments.end());
    // Every header is checked now: a foreign or broken file is said before anything is replayed.
    std::uintmax_t largest = 0;
    for (std::size_t i = 0; i < r->m_segments.size(); ++i) {
        if (const auto size = std::filesystem::file_size(r->m_segments[i], ec); !ec) largest = std::max(largest, size);
        std::FILE* f = std::fopen(r->m_segments[i].c_str(), "rb");
        if (!f) return makeError("cannot open " + r->m_segments[i].string() + ": " + std::strerror(errno));
        auto info = readHeader(f, r->m_segments[i]);
        std::fclose(f);
        if (!info) return info.error();
        if (i == 0) {
            r->m_info = *info;
        } else if (info->exchange != r->m_info.exchange || info->startedAtMs != r->m_info.startedAtMs) {
            return makeError(r->m_segments[i].string() + ": a segment of another recording (" + info->exchange +
                             ", started at " + utcText(info->startedAtMs * 1000) + ")");
        }
    }
    r->m_dctx = ZSTD_createDCtx();
    if (!r->m_dctx) return makeError("zstd: cannot make a decompression context");
    // Compressed input: the largest segment fits one read. Decoded output: records compress about
    // fourfold, so four times that, within the same bounds.
    r->m_inSize = static_cast<std::size_t>(std::clamp<std::uintmax_t>(largest, kMinChunk, kMaxChunk));
    r->m_outChunk = static_cast<std::size_t>(std::clamp<std::uintmax_t>(largest * 4, kMinChunk, kMaxChunk));
    r->m_in = std::make_unique_for_overwrite<char[]>(r->m_inSize);
    r->m_out = std::make_unique_for_overwrite<char[]>(r->m_outChunk * 2);
    r->m_outSize = r->m_outChunk * 2;
    return r;
}

Result<bool> RecordReader::openNext() {
    if (m_file) std::fclose(m_file);
    m_file = nullptr;
    if (m_current >= m_segments.size()) return false;
    const auto& path = m_segments[m_current++];
    m_file = std::fopen(path.c_str(), "rb");
    if (!m_file) return makeError("cannot open " + path.string() + ": " + std::strerror(errno));
    if (auto info = readHeader(m_file, path, &m_version); !info) return info.error();
    ZSTD_DCtx_reset(static_cast<ZSTD_DCtx*>(m_dctx), ZSTD_reset_session_only);
    m_inPos = m_inEnd = 0;
    m_begin = m_end = 0;
    m_fileDone = false;
    m_frameState = 0;
    m_segmentRecords = 0;
    m_verified = m_scanned = 0;
    m_unverifiedTail = false;
    return true;
}

// Decodes more of the open segment into m_out; false when its data is exhausted.
Result<bool> RecordReader::decodeMore() {
    for (;;) {
        if (m_inPos == m_inEnd) {
            if (m_fileDone) return false;
            m_inEnd = std::fread(m_in.get(), 1, m_inSize, m_file);
            m_inPos = 0;
            if (m_inEnd == 0) {
                m_fileDone = true;
                return false;
            }
        }
        // Room for the output: keep the undecoded record at the front.
        if (m_begin > 0 && (m_outSize - m_end < m_outChunk)) {
            std::memmove(m_out.get(), m_out.get() + m_begin, m_end - m_begin);
            m_end -= m_begin;
            m_begin = 0;
        }
        if (m_outSize - m_end < m_outChunk) {  // a record longer than a chunk: grow, keeping it
            auto grown = std::make_unique_for_overwrite<char[]>(m_end + m_outChunk);
            std::memcpy(grown.get(), m_out.get(), m_end);
            m_out = std::move(grown);
            m_outSize = m_end + m_outChunk;
        }
        ZSTD_inBuffer in{m_in.get(), m_inEnd, m_inPos};
        ZSTD_outBuffer out{m_out.get() + m_end, m_outSize - m_end, 0};
        const std::size_t ret = ZSTD_decompressStream(static_cast<ZSTD_DCtx*>(m_dctx), &out, &in);
        if (ZSTD_isError(ret))
            return makeError(m_segments[m_current - 1].string() + ": corrupt compressed data near byte " +
                             std::to_string(std::ftell(m_file) - static_cast<long>(m_inEnd - in.pos)) + " (" +
                             ZSTD_getErrorName(ret) + ")");
        m_inPos = in.pos;
        m_frameState = ret;
        m_end += out.pos;
        if (out.pos > 0) return true;
    }
}

// The open segment has no more data: anything left over means it was cut.
Result<Ok> RecordReader::endOfSegment() {
    const bool cut = m_frameState != 0 || m_end > m_begin;
    if (!cut) return Ok{};
    const auto& path = m_segments[m_current - 1];
    if (m_current < m_segments.size())
        return makeError(path.string() + ": the segment is cut in the middle, but it is not the recording's last one "
                                         "(the directory is damaged)");
    std::string msg = path.string() + ": the recording was cut short (the recorder was killed or the disk filled): " +
                      "replayed up to its last whole record";
    msg += m_segmentRecords > 0 ? " (" + std::to_string(m_segmentRecords) + " records of this segment, the last at " +
                                      utcText(m_lastWallUs) + ")"
                                : " (none in this segment)";
    if (m_unverifiedTail) msg += "; the records of its last, unfinished flush had no CRC check to verify them";
    m_notices.push_back(std::move(msg));
    return Ok{};
}

Result<bool> RecordReader::verifyNextFlush() {
    for (;;) {
        while (m_end - m_begin >= m_scanned + 4) {
            const char* p = m_out.get() + m_begin + m_scanned;
            const std::uint32_t length = getU32(p);
            if (length < kRecordHead || length > kMaxRecordBody)
                return makeError(m_segments[m_current - 1].string() + ": corrupt record (length " +
                                 std::to_string(length) + ") after record " + std::to_string(m_segmentRecords));
            if (m_end - m_begin < m_scanned + 4 + length) break;  // decode more
            const std::size_t next = m_scanned + 4 + length;
            if (static_cast<std::uint8_t>(p[4]) == kCheckRecordType) {
                if (length != kRecordHead + 4 ||
                    crc32(std::string_view(m_out.get() + m_begin, m_scanned)) != getU32(p + 4 + kRecordHead))
                    return makeError(m_segments[m_current - 1].string() + ": the records after record " +
                                     std::to_string(m_segmentRecords) + " fail their CRC check (corrupt file)");
                m_verified = next;
                m_scanned = 0;
                return true;
            }
            m_scanned = next;
        }
        auto more = decodeMore();
        if (!more) return more.error();
        if (*more) continue;
        // The data ended before a Check (the recorder was killed while flushing): the whole records
        // of that flush are handed out as they are, what follows them is the cut.
        if (m_scanned == 0) return false;
        m_verified = m_scanned;
        m_scanned = 0;
        m_unverifiedTail = true;
        return true;
    }
}

Result<bool> RecordReader::next(RecordView& out) {
    for (;;) {
        if (m_current == 0 || !m_file) {
            auto opened = openNext();
            if (!opened) return opened.error();
            if (!*opened) return false;
        }
        const std::size_t prefix = m_version == 1 ? 8 : 4;
        bool segmentOver = false;
        if (m_version >= 2 && m_verified == 0) {
            auto verified = verifyNextFlush();
            if (!verified) return verified.error();
            segmentOver = !*verified;
        }
        const std::size_t have = m_end - m_begin;
        if (!segmentOver && have >= prefix) {
            const char* p = m_out.get() + m_begin;
            const std::uint32_t length = getU32(p);
            if (length < kRecordHead || length > kMaxRecordBody)
                return makeError(m_segments[m_current - 1].string() + ": corrupt record (length " +
                                 std::to_string(length) + ") after record " + std::to_string(m_segmentRecords));
            if (have >= prefix + static_cast<std::size_t>(length)) {
                const char* body = p + prefix;
                if (m_version == 1 && crc32(std::string_view(body, length)) != getU32(p + 4))
                    return makeError(m_segments[m_current - 1].string() + ": record " +
                                     std::to_string(m_segmentRecords + 1) + " fails its CRC check (corrupt file)");
                const auto type = static_cast<std::uint8_t>(body[0]);
                const std::size_t size = prefix + length;
                if (m_version >= 2) {
                    m_verified -= size;  // verifyNextFlush() walked these bytes: whole records
                    if (type == kCheckRecordType) {
                        m_begin += size;
                        continue;
                    }
                }
                if (type < 1 || type > 5)
                    return makeError(m_segments[m_current - 1].string() + ": record " +
                                     std::to_string(m_segmentRecords + 1) + " has an unknown type " +
                                     std::to_string(type));
                out.type = static_cast<RecordType>(type);
                out.flags = static_cast<std::uint8_t>(body[1]);
                out.socket = getU32(body + 4);
                out.aux = static_cast<std::int32_t>(getU32(body + 8));
                out.wallUs = static_cast<std::int64_t>(getU64(body + 16));
                // Version 2 stores the steady time as its difference to the wall time.
                // (In unsigned arithmetic: the writer stored the difference modulo 2^64, and a damaged
                // record must not overflow a signed sum — found by fuzz_recording.)
                out.steadyUs = static_cast<std::int64_t>(
                    getU64(body + 24) + (m_version == 1 ? 0 : static_cast<std::uint64_t>(out.wallUs)));
                out.payload = std::string_view(body + kRecordHead, length - kRecordHead);
                out.method = out.target = out.body = {};
                if (out.type == RecordType::Rest) {
                    const std::string_view pl = out.payload;
                    const std::size_t m = pl.empty() ? 0 : static_cast<unsigned char>(pl[0]);
                    if (pl.size() < 1 + m + 4 || pl.size() < 1 + m + 4 + getU32(pl.data() + 1 + m))
                        return makeError(m_segments[m_current - 1].string() + ": record " +
                                         std::to_string(m_segmentRecords + 1) + " is a malformed REST answer");
                    const std::size_t t = getU32(pl.data() + 1 + m);
                    out.method = pl.substr(1, m);
                    out.target = pl.substr(1 + m + 4, t);
                    out.body = pl.substr(1 + m + 4 + t);
                }
                m_begin += size;
                ++m_records;
                ++m_segmentRecords;
                m_lastWallUs = out.wallUs;
                return true;
            }
        }
        if (!segmentOver) {
            auto more = decodeMore();
            if (!more) return more.error();
            if (*more) continue;
        }
        if (auto ended = endOfSegment(); !ended) return ended.error();
        std::fclose(m_file);
        m_file = nullptr;
        if (m_current >= m_segments.size()) return false;
    }
}

}  // namespace cpc::replay
