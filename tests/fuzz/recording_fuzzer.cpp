// The recording reader (replay::RecordReader) that `cpc replay` runs on a directory it is given.
// The first byte chooses how the rest becomes segment files:
//   bit 0 clear  the rest is one whole segment file as it lies on disk (magic, version, header);
//   bit 0 set    byte 1 is the length of a session header JSON taken from the rest, and what follows
//                it is the decompressed record stream: written as a segment with a valid magic and
//                version, zstd-compressed (so the records' framing and CRCs are what is fuzzed);
//                bit 1 cuts the compressed data at the fraction byte 2 / 256 (a kill -9);
//                bit 2 puts a valid segment 1 (no records) before it, of the same recording when
//                the header says so (the checks between segments).
// What must hold: no crash or sanitizer report, no exception, every error has a message, a
// record read lies within the decoded data (its sizes add up), and reading ends.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>

#include <zstd.h>

#include "cpc/replay/record.hpp"
#include "cpc/replay/record_reader.hpp"

namespace {

namespace fs = std::filesystem;

const fs::path& directory() {
    static const fs::path dir = [] {
        const fs::path base = fs::exists("/dev/shm") ? fs::path("/dev/shm") : fs::temp_directory_path();
        fs::path d = base / ("cpc-fuzz-recording-" + std::to_string(::getpid()));
        fs::create_directories(d);
        std::atexit([] { std::error_code ec; fs::remove_all(directory(), ec); });
        return d;
    }();
    return dir;
}

void writeFile(const fs::path& path, std::string_view bytes) {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (!f) std::abort();
    if (!bytes.empty() && std::fwrite(bytes.data(), 1, bytes.size(), f) != bytes.size()) std::abort();
    std::fclose(f);
}

std::string segmentHead(std::string_view json) {
    std::string out(cpc::replay::kMagic, sizeof cpc::replay::kMagic);
    const auto putU32 = [&](std::uint32_t v) {
        for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
    };
    putU32(cpc::replay::kFormatVersion);
    putU32(static_cast<std::uint32_t>(json.size()));
    out.append(json);
    return out;
}

std::string compressed(std::string_view records) {
    std::string out(ZSTD_compressBound(records.size()), '\0');
    const std::size_t n = ZSTD_compress(out.data(), out.size(), records.data(), records.size(), 1);
    if (ZSTD_isError(n)) std::abort();
    out.resize(n);
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    const fs::path& dir = directory();
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) fs::remove(entry.path(), ec);

    const std::uint8_t mode = data[0];
    std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
    const std::string second = cpc::replay::segmentName(2, 1'700'000'000'000);
    if ((mode & 1) == 0) {
        writeFile(dir / second, rest);
    } else {
        if (rest.size() < 2) return 0;
        const std::uint8_t cut = static_cast<std::uint8_t>(rest[1]);
        const std::size_t jsonLength = std::min<std::size_t>(static_cast<std::uint8_t>(rest[0]), rest.size() - 2);
        const std::string_view json = rest.substr(2, jsonLength);
        std::string body = compressed(rest.substr(2 + jsonLength));
        if (mode & 2) body.resize(body.size() * cut / 256);
        writeFile(dir / second, segmentHead(json) + body);
        if (mode & 4) {
            const std::string first =
                R"({"format":1,"exchange":"binance","rest":"http://127.0.0.1:1","endpoint":"ws://127.0.0.1:1/stream",)"
                R"("symbols":["BTCUSDT"],"streams":["trade"],"startedAtMs":1700000000000,"segment":1})";
            writeFile(dir / cpc::replay::segmentName(1, 1'700'000'000'000), segmentHead(first) + compressed(""));
        }
    }

    auto reader = cpc::replay::RecordReader::open(dir);
    if (!reader) {
        if (reader.error().message.empty()) std::abort();
        return 0;
    }
    cpc::replay::RecordView record;
    for (;;) {
        auto more = (*reader)->next(record);
        if (!more) {
            if (more.error().message.empty()) std::abort();
            break;
        }
        if (!*more) break;
        if (record.type == cpc::replay::RecordType::Rest &&
            record.method.size() + record.target.size() + record.body.size() + 5 != record.payload.size())
            std::abort();
    }
    for (const auto& notice : (*reader)->notices())
        if (notice.empty()) std::abort();
    return 0;
}
