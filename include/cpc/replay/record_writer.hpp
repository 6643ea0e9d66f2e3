#pragma once
// RecordWriter: the append side of a recording directory (docs/RECORDING.md). Records are
// encoded into a pending buffer under a lock (any thread, no allocation once the buffer has
// grown); the writer's own thread takes the buffer at least every `flushInterval`, compresses it
// into the segment's current zstd frame and FLUSHES it (ZSTD_e_flush: every byte handed in so
// far is decodable from what is on disk, while the frame keeps its history, so small flushes
// still compress like a long stream); a frame is ended (ZSTD_e_end, a complete, independently
// decodable frame) every `frameBytes` of records, at rotation and at close. So a process killed
// at any moment loses at most the last interval (plus the flush being written), and every file
// stays decodable up to its last flush. Segments rotate by size and by age. A write that fails
// (a full disk) is a state: error() says why and nothing more is accepted.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "cpc/core/result.hpp"
#include "cpc/replay/record.hpp"

namespace cpc::replay {

struct WriterOptions {
    std::uint64_t maxSegmentBytes = 256ull << 20;    // compressed bytes on disk
    std::chrono::milliseconds maxSegmentAge{3600 * 1000};
    std::chrono::milliseconds flushInterval{500};    // kill -9 loses at most this (and one frame's write)
    int level = 6;                                   // zstd level (docs/PERFORMANCE.md: the size of a day)
    std::size_t maxPendingBytes = 512u << 20;        // a writer this far behind fails (error())
    std::size_t frameBytes = 8u << 20;               // records per complete zstd frame
};

struct WriterStats {
    std::uint64_t records = 0;
    std::uint64_t rawBytes = 0;      // encoded records before compression
    std::uint64_t fileBytes = 0;     // bytes written to segments (headers included)
    std::uint64_t segments = 0;
    std::uint64_t zstdFrames = 0;    // complete (ended) zstd frames
    std::uint64_t flushes = 0;
};

class RecordWriter {
public:
    // Makes `dir` (it must be missing or empty: a recording is never appended to another) and its
    // first segment.
    static Result<std::unique_ptr<RecordWriter>> create(const std::filesystem::path& dir, SessionInfo info,
                                                        WriterOptions options = {});
    ~RecordWriter();  // close()
    RecordWriter(const RecordWriter&) = delete;
    RecordWriter& operator=(const RecordWriter&) = delete;

    // Any thread. Encodes one record into the pending buffer (dropped once error() is set).
    void append(RecordType type, std::uint8_t flags, std::uint32_t socket, std::int32_t aux, std::string_view payload);
    void appendRest(std::int32_t status, std::string_view method, std::string_view target, std::string_view body);
    // Any thread: writes what is pending now (the writer thread does it every flushInterval).
    void flush();
    // Writes what is pending, closes the segment and ends the thread; the first error, if any.
    Result<Ok> close();
    // Empty while everything was written.
    std::string error() const;
    WriterStats stats() const;
    const std::filesystem::path& dir() const { return m_dir; }

private:
    RecordWriter(std::filesystem::path dir, SessionInfo info, WriterOptions options);
    Result<Ok> openSegment();
    Result<Ok> writeAll(const char* data, std::size_t size);
    void writeChunk(std::string& chunk);
    // Compresses `data` into the current frame and writes the output; `end`: the frame ends.
    Result<Ok> compress(std::string_view data, bool end);
    void run();
    void fail(const std::string& message);

    std::filesystem::path m_dir;
    SessionInfo m_info;
    WriterOptions m_options;
    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    std::string m_pending;  // guarded by m_mutex
    bool m_flushAsked = false;
    bool m_stopping = false;
    std::string m_error;    // guarded by m_mutex
    WriterStats m_stats;    // guarded by m_mutex
    // writer thread (and create/close)
    std::mutex m_writeMutex;  // one chunk written at a time (flush() from another thread)
    int m_fd = -1;
    std::filesystem::path m_segmentPath;  // the segment being written (named in a write error)
    bool m_writeFailed = false;  // a write failed: nothing more goes into the file (it ends at a flush)
    std::uint64_t m_segmentBytes = 0;
    std::uint64_t m_frameRaw = 0;    // records in the current (unended) frame
    std::string m_compressed;        // output buffer
    std::chrono::steady_clock::time_point m_segmentStart{};
    void* m_cctx = nullptr;  // ZSTD_CCtx
    std::thread m_thread;
};

}  // namespace cpc::replay
