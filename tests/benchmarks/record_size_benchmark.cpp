// record_size_benchmark DIR: how small a recording can be made, and at what CPU cost. Reads the
// records of a recording (`cpc record …`) and writes them again the way RecordWriter does — the
// same records, one zstd flush per 500 ms of their receipt times, a frame ended every
// `frameBytes` of records — with each zstd setting below, then says the bytes a frame, the CPU
// time a frame (this thread's, compressing only) and checks that every output decodes back to the
// same bytes. The input's content is what counts, so record with the rate you want measured
// (docs/PERFORMANCE.md "Size of a day of BTCUSDT trades": `cpc sim --trade-rate 100`, then
// `cpc record BTCUSDT --streams trade --exit-after 120`).
#include <zstd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <vector>

#include "cpc/replay/record.hpp"
#include "cpc/replay/record_reader.hpp"

namespace {

using namespace cpc::replay;

struct Setting {
    const char* name;
    std::uint32_t version;  // the record layout (docs/RECORDING.md)
    int level;
    int windowLog;  // 0: the level's
    bool longDistance;
    std::size_t frameBytes;
};

double threadCpuSeconds() {
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: record_size_benchmark DIR (a recording made by cpc record)\n");
        return 2;
    }
    auto reader = RecordReader::open(argv[1]);
    if (!reader) {
        std::fprintf(stderr, "record_size_benchmark: %s\n", reader.error().message.c_str());
        return 1;
    }
    // The writer's chunks: the records of each 500 ms of receipt (steady clock), re-encoded in
    // both layouts (version 2's closed by its Check record, as RecordWriter does).
    std::vector<std::string> chunksOf[3];
    std::vector<std::string>& chunks = chunksOf[1];
    std::uint64_t frames = 0;
    std::int64_t chunkStart = -1;
    RecordView v;
    for (;;) {
        auto more = (*reader)->next(v);
        if (!more) {
            std::fprintf(stderr, "record_size_benchmark: %s\n", more.error().message.c_str());
            return 1;
        }
        if (!*more) break;
        if (chunkStart < 0 || v.steadyUs - chunkStart >= 500'000) {
            if (!chunksOf[2].empty()) appendCheck(chunksOf[2].back(), 0);
            for (const std::uint32_t version : {1u, 2u}) chunksOf[version].emplace_back();
            chunkStart = v.steadyUs;
        }
        for (const std::uint32_t version : {1u, 2u}) {
            if (v.type == RecordType::Rest)
                appendRest(chunksOf[version].back(), v.aux, v.wallUs, v.steadyUs, v.method, v.target, v.body, version);
            else
                appendRecord(chunksOf[version].back(), v.type, v.flags, v.socket, v.aux, v.wallUs, v.steadyUs, v.payload,
                             version);
        }
        if (v.type == RecordType::Frame) ++frames;
    }
    if (!chunksOf[2].empty()) appendCheck(chunksOf[2].back(), 0);
    std::uint64_t rawBytes = 0, rawBytes2 = 0;
    for (const auto& c : chunks) rawBytes += c.size();
    for (const auto& c : chunksOf[2]) rawBytes2 += c.size();
    if (frames == 0) {
        std::fprintf(stderr, "record_size_benchmark: the recording has no frame\n");
        return 1;
    }
    std::printf("%llu frames, %zu flushes; records' bytes: version 1 %llu (%.1f B a frame), version 2 %llu (%.1f B)\n",
                static_cast<unsigned long long>(frames), chunks.size(), static_cast<unsigned long long>(rawBytes),
                static_cast<double>(rawBytes) / static_cast<double>(frames), static_cast<unsigned long long>(rawBytes2),
                static_cast<double>(rawBytes2) / static_cast<double>(frames));
    std::printf("%-42s %12s %9s %12s %14s %12s\n", "setting", "bytes", "B/frame", "day (8.6 M)", "CPU µs/frame",
                "frames/s");
    constexpr std::size_t k8MB = 8u << 20, k64MB = 64u << 20;
    const Setting settings[] = {
        {"v1 level 3 (the writer until now)", 1, 3, 0, false, k8MB},
        {"v1 level 6", 1, 6, 0, false, k8MB},
        {"v1 level 9", 1, 9, 0, false, k8MB},
        {"v1 level 12", 1, 12, 0, false, k8MB},
        {"v1 level 19", 1, 19, 0, false, k8MB},
        {"v1 level 3, windowLog 24", 1, 3, 24, false, k8MB},
        {"v1 level 3, windowLog 27, 64 MB frames", 1, 3, 27, false, k64MB},
        {"v1 level 3, long-distance, 64 MB frames", 1, 3, 27, true, k64MB},
        {"v1 level 9, 64 MB frames", 1, 9, 27, false, k64MB},
        {"v2 level 3", 2, 3, 0, false, k8MB},
        {"v2 level 6", 2, 6, 0, false, k8MB},
        {"v2 level 9", 2, 9, 0, false, k8MB},
        {"v2 level 6, long-distance, 64 MB", 2, 6, 27, true, k64MB},
    };
    std::vector<char> out(ZSTD_CStreamOutSize());
    for (const Setting& s : settings) {
        const std::vector<std::string>& input = chunksOf[s.version];
        ZSTD_CCtx* cctx = ZSTD_createCCtx();
        ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, s.level);
        ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1);
        if (s.windowLog) ZSTD_CCtx_setParameter(cctx, ZSTD_c_windowLog, s.windowLog);
        if (s.longDistance) ZSTD_CCtx_setParameter(cctx, ZSTD_c_enableLongDistanceMatching, 1);
        std::string file;
        std::size_t frameRaw = 0;
        const double cpuStart = threadCpuSeconds();
        const auto compress = [&](std::string_view data, ZSTD_EndDirective mode) {
            ZSTD_inBuffer in{data.data(), data.size(), 0};
            for (;;) {
                ZSTD_outBuffer o{out.data(), out.size(), 0};
                const std::size_t left = ZSTD_compressStream2(cctx, &o, &in, mode);
                if (ZSTD_isError(left)) {
                    std::fprintf(stderr, "zstd: %s\n", ZSTD_getErrorName(left));
                    std::exit(1);
                }
                file.append(out.data(), o.pos);
                if (left == 0 && in.pos == in.size) break;
            }
        };
        for (const std::string& chunk : input) {
            const bool end = frameRaw + chunk.size() >= s.frameBytes;
            compress(chunk, end ? ZSTD_e_end : ZSTD_e_flush);
            frameRaw = end ? 0 : frameRaw + chunk.size();
        }
        if (frameRaw > 0) compress({}, ZSTD_e_end);
        const double cpu = threadCpuSeconds() - cpuStart;
        ZSTD_freeCCtx(cctx);
        // Decodes back to the same records with the reader's limits (windowLog ≤ 27 by default).
        std::string back;
        ZSTD_DCtx* dctx = ZSTD_createDCtx();
        ZSTD_inBuffer in{file.data(), file.size(), 0};
        std::vector<char> dout(ZSTD_DStreamOutSize());
        while (in.pos < in.size) {
            ZSTD_outBuffer o{dout.data(), dout.size(), 0};
            const std::size_t r = ZSTD_decompressStream(dctx, &o, &in);
            if (ZSTD_isError(r)) {
                std::fprintf(stderr, "%s: does not decode: %s\n", s.name, ZSTD_getErrorName(r));
                return 1;
            }
            back.append(dout.data(), o.pos);
        }
        ZSTD_freeDCtx(dctx);
        std::string all;
        for (const auto& c : input) all += c;
        if (back != all) {
            std::fprintf(stderr, "%s: decodes to other bytes\n", s.name);
            return 1;
        }
        const double perFrame = static_cast<double>(file.size()) / static_cast<double>(frames);
        std::printf("%-42s %12zu %9.1f %9.0f MB %14.2f %12.0f\n", s.name, file.size(), perFrame,
                    perFrame * 8.64e6 / 1e6, cpu * 1e6 / static_cast<double>(frames),
                    static_cast<double>(frames) / cpu);
    }
    return 0;
}
