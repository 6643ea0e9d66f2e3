#include "cpc/replay/record_writer.hpp"

#include <cerrno>
#include <cstring>
#include <system_error>

#include <fcntl.h>
#include <unistd.h>
#include <zstd.h>

#include "cpc/core/time.hpp"

namespace cpc::replay {

namespace {

std::int64_t wallUsNow() {
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}
std::int64_t steadyUsNow() {
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

}  // namespace

RecordWriter::RecordWriter(std::filesystem::path dir, SessionInfo info, WriterOptions options)
    : m_dir(std::move(dir)), m_info(std::move(info)), m_options(options) {}

Result<std::unique_ptr<RecordWriter>> RecordWriter::create(const std::filesystem::path& dir, SessionInfo info,
                                                           WriterOptions options) {
    std::error_code ec;
    if (std::filesystem::exists(dir, ec)) {
        if (!std::filesystem::is_directory(dir, ec)) return makeError(dir.string() + " exists and is not a directory");
        if (!std::filesystem::is_empty(dir, ec))
            return makeError(dir.string() + " is not empty (a recording goes into a new or empty directory)");
    } else if (!std::filesystem::create_directories(dir, ec) || ec) {
        return makeError("cannot create " + dir.string() + ": " + ec.message());
    }
    std::unique_ptr<RecordWriter> w(new RecordWriter(dir, std::move(info), options));
    w->m_cctx = ZSTD_createCCtx();
    if (!w->m_cctx) return makeError("zstd: cannot make a compression context");
    ZSTD_CCtx_setParameter(static_cast<ZSTD_CCtx*>(w->m_cctx), ZSTD_c_compressionLevel, options.level);
    ZSTD_CCtx_setParameter(static_cast<ZSTD_CCtx*>(w->m_cctx), ZSTD_c_checksumFlag, 1);
    if (w->m_info.startedAtMs == 0) w->m_info.startedAtMs = nowMs();
    if (auto opened = w->openSegment(); !opened) return opened.error();
    w->m_pending.reserve(1u << 20);
    w->m_thread = std::thread([raw = w.get()] { raw->run(); });
    return w;
}

RecordWriter::~RecordWriter() {
    (void)close();
    if (m_cctx) ZSTD_freeCCtx(static_cast<ZSTD_CCtx*>(m_cctx));
}

Result<Ok> RecordWriter::openSegment() {
    if (m_fd >= 0) ::close(m_fd);
    m_fd = -1;
    m_info.segment += 1;
    const std::int64_t started = m_info.segment == 1 ? m_info.startedAtMs : nowMs();
    const std::filesystem::path path = m_dir / segmentName(m_info.segment, started);
    m_fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0644);
    if (m_fd < 0) return makeError("cannot create " + path.string() + ": " + std::strerror(errno));
    m_segmentPath = path;
    m_segmentBytes = 0;
    m_segmentStart = std::chrono::steady_clock::now();
    // The plain header: magic, format version, the session's description.
    const std::string json = m_info.toJson();
    std::string header(kMagic, sizeof kMagic);
    for (const std::uint32_t v : {kFormatVersion, static_cast<std::uint32_t>(json.size())})
        for (int i = 0; i < 4; ++i) header.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
    header += json;
    {
        std::lock_guard lock(m_mutex);
        ++m_stats.segments;
    }
    return writeAll(header.data(), header.size());
}

Result<Ok> RecordWriter::writeAll(const char* data, std::size_t size) {
    while (size > 0) {
        const ssize_t n = ::write(m_fd, data, size);
        if (n < 0) {
            if (errno == EINTR) continue;
            return makeError("writing " + m_segmentPath.string() + " failed: " + std::strerror(errno) +
                             "; recording stopped (what was written before replays)");
        }
        data += n;
        size -= static_cast<std::size_t>(n);
        m_segmentBytes += static_cast<std::uint64_t>(n);
        std::lock_guard lock(m_mutex);
        m_stats.fileBytes += static_cast<std::uint64_t>(n);
    }
    return Ok{};
}

void RecordWriter::append(RecordType type, std::uint8_t flags, std::uint32_t socket, std::int32_t aux,
                          std::string_view payload) {
    const std::int64_t wall = wallUsNow(), steady = steadyUsNow();
    std::lock_guard lock(m_mutex);
    if (!m_error.empty() || m_stopping) return;
    appendRecord(m_pending, type, flags, socket, aux, wall, steady, payload);
    ++m_stats.records;
    if (m_pending.size() > m_options.maxPendingBytes) {
        m_error = "the recording cannot keep up: " + std::to_string(m_pending.size() >> 20) +
                  " MB waiting to be written; recording stopped";
        m_pending.clear();
    }
}

void RecordWriter::appendRest(std::int32_t status, std::string_view method, std::string_view target,
                              std::string_view body) {
    const std::int64_t wall = wallUsNow(), steady = steadyUsNow();
    std::lock_guard lock(m_mutex);
    if (!m_error.empty() || m_stopping) return;
    replay::appendRest(m_pending, status, wall, steady, method, target, body);
    ++m_stats.records;
}

void RecordWriter::fail(const std::string& message) {
    std::lock_guard lock(m_mutex);
    if (m_error.empty()) m_error = message;
}

Result<Ok> RecordWriter::compress(std::string_view data, bool end) {
    if (m_writeFailed) return Ok{};  // the error is already said; the file stays as it was
    auto* cctx = static_cast<ZSTD_CCtx*>(m_cctx);
    const std::uint64_t segmentBefore = m_segmentBytes;
    if (m_compressed.size() < ZSTD_CStreamOutSize()) m_compressed.resize(ZSTD_CStreamOutSize());
    ZSTD_inBuffer in{data.data(), data.size(), 0};
    const ZSTD_EndDirective mode = end ? ZSTD_e_end : ZSTD_e_flush;
    for (;;) {
        ZSTD_outBuffer out{m_compressed.data(), m_compressed.size(), 0};
        const std::size_t left = ZSTD_compressStream2(cctx, &out, &in, mode);
        if (ZSTD_isError(left)) return makeError(std::string("zstd: ") + ZSTD_getErrorName(left));
        if (out.pos > 0)
            if (auto written = writeAll(m_compressed.data(), out.pos); !written) {
                // A full disk or the file size limit (EFBIG) cut this flush: the file goes back to
                // the end of the last whole one, so every record before it replays, and nothing more
                // is written into it (the compressor's history now holds what is not on disk).
                m_writeFailed = true;
                if (::ftruncate(m_fd, static_cast<off_t>(segmentBefore)) == 0) {
                    std::lock_guard lock(m_mutex);
                    m_stats.fileBytes -= m_segmentBytes - segmentBefore;
                    m_segmentBytes = segmentBefore;
                }
                return written;
            }
        if (left == 0 && in.pos == in.size) break;
    }
    m_frameRaw = end ? 0 : m_frameRaw + data.size();
    std::lock_guard lock(m_mutex);
    m_stats.rawBytes += data.size();
    ++m_stats.flushes;
    if (end) ++m_stats.zstdFrames;
    return Ok{};
}

// One chunk of whole records, flushed into the segment's current frame (a new segment first when
// the current one is full or old enough: its frame is ended there). Called with m_writeMutex held
// (chunks are written in the order they were taken).
void RecordWriter::writeChunk(std::string& chunk) {
    if (chunk.empty() || m_fd < 0 || m_writeFailed) return;
    if (m_segmentBytes >= m_options.maxSegmentBytes ||
        std::chrono::steady_clock::now() - m_segmentStart >= m_options.maxSegmentAge) {
        if (m_frameRaw > 0)
            if (auto ended = compress({}, true); !ended) return fail(ended.error().message);
        if (auto opened = openSegment(); !opened) {
            m_writeFailed = true;  // a new segment without its whole header is not written into
            return fail(opened.error().message);
        }
    }
    // The flush's records, then the Check holding their CRC-32 (the reader verifies it before it
    // hands out any of them).
    appendCheck(chunk, 0);
    const bool end = m_frameRaw + chunk.size() >= m_options.frameBytes;
    if (auto done = compress(chunk, end); !done) return fail(done.error().message);
}

void RecordWriter::run() {
    std::string chunk;
    chunk.reserve(1u << 20);
    for (;;) {
        bool stopping = false;
        {
            std::unique_lock lock(m_mutex);
            m_wake.wait_for(lock, m_options.flushInterval, [this] { return m_stopping || m_flushAsked; });
            m_flushAsked = false;
        }
        std::lock_guard writing(m_writeMutex);
        {
            std::lock_guard lock(m_mutex);
            stopping = m_stopping;
            chunk.swap(m_pending);
        }
        writeChunk(chunk);
        chunk.clear();
        if (stopping) return;
    }
}

void RecordWriter::flush() {
    std::string chunk;
    std::lock_guard writing(m_writeMutex);
    {
        std::lock_guard lock(m_mutex);
        chunk.swap(m_pending);
    }
    writeChunk(chunk);
}

Result<Ok> RecordWriter::close() {
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_all();
    if (m_thread.joinable()) m_thread.join();
    std::lock_guard writing(m_writeMutex);
    if (m_fd >= 0 && m_frameRaw > 0 && !m_writeFailed)
        if (auto ended = compress({}, true); !ended) fail(ended.error().message);
    if (m_fd >= 0) {
        if (::fsync(m_fd) != 0 && errno != EINVAL) fail(std::string("fsync: ") + std::strerror(errno));
        ::close(m_fd);
        m_fd = -1;
    }
    const std::string e = error();
    if (!e.empty()) return makeError(e);
    return Ok{};
}

std::string RecordWriter::error() const {
    std::lock_guard lock(m_mutex);
    return m_error;
}

WriterStats RecordWriter::stats() const {
    std::lock_guard lock(m_mutex);
    return m_stats;
}

}  // namespace cpc::replay
