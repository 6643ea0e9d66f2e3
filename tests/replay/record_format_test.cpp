// The recording format (docs/RECORDING.md): what the writer writes the reader reads back, record
// for record, across rotated segments; a segment cut anywhere (kill -9) is read up to its last
// whole record with a notice; a process killed with SIGKILL loses at most the last second; a
// corrupt or foreign file is an error naming it; --from / --to / --speed values are checked.
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>
#include <zstd.h>

#include <nlohmann/json.hpp>

#include "cpc/replay/record_reader.hpp"
#include "cpc/replay/record_writer.hpp"
#include "cpc/replay/replayer.hpp"

using namespace cpc;
using namespace cpc::replay;
namespace fs = std::filesystem;

namespace {

class TempDir {
public:
    TempDir() {
        m_path = fs::temp_directory_path() /
                  ("cpc-replay-test-" + std::to_string(::getpid()) + "-" + std::to_string(s_next++));
        fs::remove_all(m_path);
        fs::create_directories(m_path);
    }
    ~TempDir() { fs::remove_all(m_path); }
    fs::path path(const std::string& name) const { return m_path / name; }

private:
    static inline int s_next = 0;
    fs::path m_path;
};

SessionInfo info() {
    SessionInfo i;
    i.exchange = "binance";
    i.restBase = "http://127.0.0.1:1";
    i.streamBase = "ws://127.0.0.1:1/stream";
    i.symbols = {"BTCUSDT"};
    i.streams = {"trade", "depth"};
    i.startedAtMs = 1'765'000'000'000;
    return i;
}

struct Written {
    RecordType type;
    std::uint32_t socket;
    std::int32_t aux;
    std::string payload;
    std::string target;  // Rest
};

// A trade frame as Binance sends it, numbered.
std::string tradeFrame(int i) {
    return R"({"stream":"btcusdt@trade","data":{"e":"trade","E":)" + std::to_string(1'765'000'000'000LL + i) +
           R"(,"s":"BTCUSDT","t":)" + std::to_string(1000 + i) + R"(,"p":"97123.)" + std::to_string(i % 100) +
           R"(","q":"0.00)" + std::to_string(i % 97) + R"(","T":)" + std::to_string(1'765'000'000'000LL + i) +
           R"(,"m":true,"M":true}})";
}

std::vector<RecordView> readAll(RecordReader& reader, std::vector<Written>* copy = nullptr) {
    std::vector<RecordView> out;
    RecordView v;
    while (true) {
        auto more = reader.next(v);
        EXPECT_TRUE(more) << (more ? "" : more.error().message);
        if (!more || !*more) break;
        out.push_back(v);
        if (copy) copy->push_back({v.type, v.socket, v.aux, std::string(v.type == RecordType::Rest ? v.body : v.payload),
                                   std::string(v.target)});
    }
    return out;
}

std::vector<Written> writeSample(const fs::path& dir, int frames, WriterOptions options = {}) {
    auto writer = RecordWriter::create(dir, info(), options);
    EXPECT_TRUE(writer) << writer.error().message;
    std::vector<Written> sent;
    (*writer)->append(RecordType::Opened, 0, 1, 0, "ws://127.0.0.1:1/stream?streams=btcusdt@trade");
    sent.push_back({RecordType::Opened, 1, 0, "ws://127.0.0.1:1/stream?streams=btcusdt@trade", ""});
    (*writer)->appendRest(200, "GET", "/api/v3/depth?symbol=BTCUSDT&limit=1000", R"({"lastUpdateId":1,"bids":[],"asks":[]})");
    sent.push_back({RecordType::Rest, 0, 200, R"({"lastUpdateId":1,"bids":[],"asks":[]})",
                    "/api/v3/depth?symbol=BTCUSDT&limit=1000"});
    for (int i = 0; i < frames; ++i) {
        (*writer)->append(RecordType::Frame, 0, 1, 0, tradeFrame(i));
        sent.push_back({RecordType::Frame, 1, 0, tradeFrame(i), ""});
        if (i % 500 == 499) (*writer)->flush();  // one zstd flush per 500 records
    }
    (*writer)->append(RecordType::Closed, 0, 1, 0, "stream closed: reset by peer");
    sent.push_back({RecordType::Closed, 1, 0, "stream closed: reset by peer", ""});
    EXPECT_TRUE((*writer)->close());
    return sent;
}

void expectSame(const std::vector<Written>& got, const std::vector<Written>& sent, std::size_t count) {
    ASSERT_LE(count, sent.size());
    ASSERT_GE(got.size(), count);
    for (std::size_t i = 0; i < count; ++i) {
        EXPECT_EQ(got[i].type, sent[i].type) << i;
        EXPECT_EQ(got[i].socket, sent[i].socket) << i;
        EXPECT_EQ(got[i].aux, sent[i].aux) << i;
        EXPECT_EQ(got[i].payload, sent[i].payload) << i;
        EXPECT_EQ(got[i].target, sent[i].target) << i;
    }
}

std::vector<fs::path> segmentsOf(const fs::path& dir) {
    std::vector<fs::path> out;
    for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path());
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace

TEST(RecordFormat, WhatIsWrittenIsReadBackRecordForRecordAcrossRotatedSegments) {
    TempDir tmp;
    WriterOptions options;
    options.maxSegmentBytes = 8 * 1024;  // several segments
    const auto sent = writeSample(tmp.path("rec"), 5000, options);
    const auto segments = segmentsOf(tmp.path("rec"));
    ASSERT_GE(segments.size(), 3u) << "rotated by size";
    EXPECT_EQ(segments.front().filename().string().substr(0, 9), "00000001-");
    auto reader = RecordReader::open(tmp.path("rec"));
    ASSERT_TRUE(reader) << reader.error().message;
    EXPECT_EQ((*reader)->info().exchange, "binance");
    EXPECT_EQ((*reader)->info().streams, (std::vector<std::string>{"trade", "depth"}));
    std::vector<Written> got;
    readAll(**reader, &got);
    EXPECT_EQ(got.size(), sent.size());
    expectSame(got, sent, sent.size());
    EXPECT_TRUE((*reader)->notices().empty());
}

// The reader decodes into a buffer of 2 MB it does not clear; a record longer than what is left
// of it (a big REST snapshot) makes it grow, keeping the bytes of the record being read.
TEST(RecordFormat, RecordsLongerThanTheDecodeBufferAreReadBackWhole) {
    TempDir tmp;
    auto writer = RecordWriter::create(tmp.path("rec"), info());
    ASSERT_TRUE(writer) << writer.error().message;
    std::vector<Written> sent;
    (*writer)->append(RecordType::Opened, 0, 1, 0, "ws://127.0.0.1:1/stream");
    sent.push_back({RecordType::Opened, 1, 0, "ws://127.0.0.1:1/stream", ""});
    for (int i = 0; i < 6; ++i) {
        // 0.9, 1.8, 2.7 … MB of varied bytes (not one repeated byte: zstd would make it nothing).
        std::string big(static_cast<std::size_t>(900'000 * (i + 1)), '\0');
        for (std::size_t b = 0; b < big.size(); ++b) big[b] = static_cast<char>('a' + (b * 7 + b / 13 + i) % 26);
        (*writer)->appendRest(200, "GET", "/api/v3/depth?symbol=BTCUSDT&limit=5000", big);
        sent.push_back({RecordType::Rest, 0, 200, big, "/api/v3/depth?symbol=BTCUSDT&limit=5000"});
        for (int f = 0; f < 300; ++f) {
            (*writer)->append(RecordType::Frame, 0, 1, 0, tradeFrame(i * 300 + f));
            sent.push_back({RecordType::Frame, 1, 0, tradeFrame(i * 300 + f), ""});
        }
        (*writer)->flush();
    }
    ASSERT_TRUE((*writer)->close());
    auto reader = RecordReader::open(tmp.path("rec"));
    ASSERT_TRUE(reader) << reader.error().message;
    std::vector<Written> got;
    readAll(**reader, &got);
    ASSERT_EQ(got.size(), sent.size());
    expectSame(got, sent, sent.size());
    EXPECT_TRUE((*reader)->notices().empty());
}

TEST(RecordFormat, SegmentsRotateByAge) {
    TempDir tmp;
    WriterOptions options;
    options.maxSegmentAge = std::chrono::milliseconds(1);  // every flush after a millisecond: a new segment
    auto writer = RecordWriter::create(tmp.path("rec"), info(), options);
    ASSERT_TRUE(writer);
    for (int i = 0; i < 3; ++i) {
        const auto before = std::chrono::steady_clock::now();
        while (std::chrono::steady_clock::now() - before < std::chrono::milliseconds(2)) {
        }
        (*writer)->append(RecordType::Frame, 0, 1, 0, tradeFrame(i));
        (*writer)->flush();
    }
    ASSERT_TRUE((*writer)->close());
    EXPECT_GE(segmentsOf(tmp.path("rec")).size(), 3u);
    auto reader = RecordReader::open(tmp.path("rec"));
    ASSERT_TRUE(reader);
    EXPECT_EQ(readAll(**reader).size(), 3u);
}

TEST(RecordFormat, ACutLastSegmentIsReadUpToItsLastWholeRecordWithANotice) {
    TempDir tmp;
    const auto sent = writeSample(tmp.path("full"), 3000);
    const auto segment = segmentsOf(tmp.path("full")).front();
    const auto size = fs::file_size(segment);
    // Cut at many places: inside the header's JSON is an error; anywhere in the data, a prefix.
    std::size_t lastCount = 0;
    for (const std::uintmax_t cut : {size - 1, size - 7, size / 2, size / 3, size / 5 + 3, size - 100}) {
        TempDir cutDir;
        fs::create_directories(cutDir.path("rec"));
        const auto copy = cutDir.path("rec") / segment.filename();
        fs::copy_file(segment, copy);
        fs::resize_file(copy, cut);
        auto reader = RecordReader::open(cutDir.path("rec"));
        ASSERT_TRUE(reader) << reader.error().message;
        std::vector<Written> got;
        readAll(**reader, &got);
        ASSERT_LE(got.size(), sent.size()) << "cut at " << cut;  // (a cut in zstd's checksum loses no record)
        expectSame(got, sent, got.size());  // every record read is the one written, in order
        ASSERT_EQ((*reader)->notices().size(), 1u) << "cut at " << cut;
        EXPECT_NE((*reader)->notices()[0].find("cut short"), std::string::npos) << (*reader)->notices()[0];
        EXPECT_NE((*reader)->notices()[0].find("last whole record"), std::string::npos);
        if (cut == size - 1) lastCount = got.size();
    }
    // Cut by one byte: only the last flush (records 2502…) can be affected, and its whole
    // records before the cut come out (zstd streams what it has decoded).
    EXPECT_GE(lastCount, 2500u);
}

TEST(RecordFormat, ACutSegmentThatIsNotTheLastIsAnError) {
    TempDir tmp;
    WriterOptions options;
    options.maxSegmentBytes = 8 * 1024;
    writeSample(tmp.path("rec"), 3000, options);
    const auto segments = segmentsOf(tmp.path("rec"));
    ASSERT_GE(segments.size(), 2u);
    fs::resize_file(segments.front(), fs::file_size(segments.front()) - 5);
    auto reader = RecordReader::open(tmp.path("rec"));
    ASSERT_TRUE(reader);
    RecordView v;
    Result<bool> r = true;
    while (r && *r) r = (*reader)->next(v);
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find(segments.front().filename().string()), std::string::npos) << r.error().message;
    EXPECT_NE(r.error().message.find("not the recording's last one"), std::string::npos) << r.error().message;
}

TEST(RecordFormat, AProcessKilledWithSigkillLosesAtMostTheLastSecondAndLeavesReadableFiles) {
    TempDir tmp;
    const fs::path dir = tmp.path("rec");
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        // The recorder: a frame a millisecond, for ever (until killed).
        WriterOptions options;
        options.maxSegmentBytes = 64 * 1024;
        auto writer = RecordWriter::create(dir, info(), options);
        if (!writer) ::_exit(3);
        for (int i = 0;; ++i) {
            (*writer)->append(RecordType::Frame, 0, 1, 0, tradeFrame(i));
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
    }
    // Kill it once it has written a few compressed frames (more than a second of data).
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    std::uintmax_t bytes = 0;
    while (std::chrono::steady_clock::now() < deadline) {
        bytes = 0;
        std::error_code ec;
        if (fs::exists(dir, ec))
            for (const auto& e : fs::directory_iterator(dir, ec)) bytes += fs::file_size(e.path(), ec);
        if (bytes > 40 * 1024) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ASSERT_GT(bytes, 40u * 1024) << "the recorder wrote nothing";
    const std::int64_t killedAtUs =
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    ::kill(child, SIGKILL);
    int status = 0;
    ::waitpid(child, &status, 0);
    ASSERT_TRUE(WIFSIGNALED(status));

    auto reader = RecordReader::open(dir);
    ASSERT_TRUE(reader) << reader.error().message;
    std::vector<Written> got;
    const auto records = readAll(**reader, &got);
    ASSERT_FALSE(got.empty());
    for (std::size_t i = 0; i < got.size(); ++i) ASSERT_EQ(got[i].payload, tradeFrame(static_cast<int>(i))) << i;
    // The writer flushes every 500 ms: what was lost is the last half second or so.
    std::int64_t lastWallUs = 0;
    {
        auto again = RecordReader::open(dir);
        RecordView v;
        while (*(*again)->next(v)) lastWallUs = v.wallUs;
    }
    EXPECT_LT(killedAtUs - lastWallUs, 1'000'000) << "lost " << (killedAtUs - lastWallUs) / 1000 << " ms";
}

TEST(RecordFormat, AForeignFileOrACorruptSegmentIsAnErrorNamingIt) {
    {
        TempDir tmp;
        writeSample(tmp.path("rec"), 10);
        std::ofstream(tmp.path("rec") / "notes.txt") << "hello";
        auto reader = RecordReader::open(tmp.path("rec"));
        ASSERT_FALSE(reader);
        EXPECT_NE(reader.error().message.find("notes.txt: not a recording segment"), std::string::npos)
            << reader.error().message;
    }
    {
        TempDir tmp;
        fs::create_directories(tmp.path("rec"));
        std::ofstream(tmp.path("rec") / "00000001-20261206T000000Z.cpcrec") << "PK\x03\x04 a zip file";
        auto reader = RecordReader::open(tmp.path("rec"));
        ASSERT_FALSE(reader);
        EXPECT_NE(reader.error().message.find("does not start with the CPCREC magic"), std::string::npos)
            << reader.error().message;
    }
    {
        TempDir tmp;
        auto reader = RecordReader::open(tmp.path("missing"));
        ASSERT_FALSE(reader);
        EXPECT_NE(reader.error().message.find("no such recording directory"), std::string::npos);
        fs::create_directories(tmp.path("empty"));
        auto empty = RecordReader::open(tmp.path("empty"));
        ASSERT_FALSE(empty);
        EXPECT_NE(empty.error().message.find("no recording segments"), std::string::npos);
    }
    {
        // A flipped byte in the compressed data: zstd's frame checksum (or its decoder) says so.
        TempDir tmp;
        writeSample(tmp.path("rec"), 2000);
        const auto segment = segmentsOf(tmp.path("rec")).front();
        std::fstream f(segment, std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(static_cast<std::streamoff>(fs::file_size(segment) / 2));
        char c = 0;
        f.seekg(static_cast<std::streamoff>(fs::file_size(segment) / 2));
        f.get(c);
        f.seekp(static_cast<std::streamoff>(fs::file_size(segment) / 2));
        f.put(static_cast<char>(c ^ 0x5A));
        f.close();
        auto reader = RecordReader::open(tmp.path("rec"));
        ASSERT_TRUE(reader);
        RecordView v;
        Result<bool> r = true;
        while (r && *r) r = (*reader)->next(v);
        ASSERT_FALSE(r) << "a corrupt segment read as good";
        EXPECT_NE(r.error().message.find(segment.filename().string()), std::string::npos) << r.error().message;
        EXPECT_NE(r.error().message.find("corrupt"), std::string::npos) << r.error().message;
    }
}

namespace {

// A segment file of format `version` holding `records` (encoded in that version) in one zstd frame.
void writeSegment(const fs::path& dir, std::uint32_t version, const std::string& records) {
    fs::create_directories(dir);
    std::string compressed(ZSTD_compressBound(records.size()), '\0');
    compressed.resize(ZSTD_compress(compressed.data(), compressed.size(), records.data(), records.size(), 3));
    SessionInfo i = info();
    i.segment = 1;
    const std::string json = i.toJson();
    std::string file(kMagic, sizeof kMagic);
    for (const std::uint32_t v : {version, static_cast<std::uint32_t>(json.size())})
        for (int b = 0; b < 4; ++b) file.push_back(static_cast<char>((v >> (8 * b)) & 0xFF));
    file += json + compressed;
    std::ofstream(dir / segmentName(1, i.startedAtMs), std::ios::binary) << file;
}

}  // namespace

TEST(RecordFormat, AVersion1RecordFailingItsCrcIsAnError) {
    // Well-formed zstd around a damaged record (the damage happened before compression).
    TempDir tmp;
    std::string records;
    appendRecord(records, RecordType::Frame, 0, 1, 0, 1, 1, tradeFrame(1), 1);
    appendRecord(records, RecordType::Frame, 0, 1, 0, 2, 2, tradeFrame(2), 1);
    records[records.size() - 10] ^= 0x01;
    writeSegment(tmp.path("rec"), 1, records);
    auto reader = RecordReader::open(tmp.path("rec"));
    ASSERT_TRUE(reader) << reader.error().message;
    RecordView v;
    auto first = (*reader)->next(v);
    ASSERT_TRUE(first && *first);
    EXPECT_EQ(v.payload, tradeFrame(1));
    auto second = (*reader)->next(v);
    ASSERT_FALSE(second);
    EXPECT_NE(second.error().message.find("record 2 fails its CRC check"), std::string::npos) << second.error().message;
}

// Version 2 checks a flush at a time: a damaged record makes its flush's Check fail before any
// record of that flush is handed out; the flush before it reads.
TEST(RecordFormat, AVersion2FlushFailingItsCheckIsAnErrorBeforeAnyOfItsRecordsIsHandedOut) {
    TempDir tmp;
    std::string records;
    appendRecord(records, RecordType::Frame, 0, 1, 0, 1, 1, tradeFrame(1));
    appendCheck(records, 0);
    const std::size_t second = records.size();
    appendRecord(records, RecordType::Frame, 0, 1, 0, 2, 2, tradeFrame(2));
    appendRecord(records, RecordType::Frame, 0, 1, 0, 3, 3, tradeFrame(3));
    appendCheck(records, second);
    records[second + 60] ^= 0x01;  // inside the second flush's first record
    writeSegment(tmp.path("rec"), 2, records);
    auto reader = RecordReader::open(tmp.path("rec"));
    ASSERT_TRUE(reader) << reader.error().message;
    RecordView v;
    auto first = (*reader)->next(v);
    ASSERT_TRUE(first && *first) << (first ? "" : first.error().message);
    EXPECT_EQ(v.payload, tradeFrame(1));
    auto next = (*reader)->next(v);
    ASSERT_FALSE(next) << "a damaged record was handed out";
    EXPECT_NE(next.error().message.find("the records after record 1 fail their CRC check"), std::string::npos)
        << next.error().message;
}

// A recording of format version 1 (cpc before the size work: length + CRC a record, absolute
// steady times) reads record for record as one of version 2 with the same content does.
TEST(RecordFormat, AVersion1RecordingIsReadAsBefore) {
    TempDir tmp;
    std::string v1, v2;
    for (const std::uint32_t version : {1u, 2u}) {
        std::string& out = version == 1 ? v1 : v2;
        appendRecord(out, RecordType::Opened, 1, 7, 0, 1'765'000'000'000'000, 5'000'000, "ws://127.0.0.1:1/stream", version);
        appendRest(out, 200, 1'765'000'000'100'000, 5'100'000, "GET", "/api/v3/depth?symbol=BTCUSDT", "{}", version);
        for (int i = 0; i < 50; ++i)
            appendRecord(out, RecordType::Frame, 0, 7, 0, 1'765'000'000'200'000 + i * 1000, 5'200'000 + i * 999,
                         tradeFrame(i), version);
        appendRecord(out, RecordType::Closed, 0, 7, 0, 1'765'000'001'000'000, 6'000'000, "closed", version);
    }
    appendCheck(v2, 0);
    EXPECT_NE(v1.size(), v2.size()) << "the two layouts are the same: the test would prove nothing";
    writeSegment(tmp.path("v1"), 1, v1);
    writeSegment(tmp.path("v2"), 2, v2);
    struct Read {
        RecordType type;
        int flags;
        std::uint32_t socket;
        std::int32_t aux;
        std::int64_t wallUs, steadyUs;
        std::string payload, target;
        bool operator==(const Read&) const = default;
    };
    const auto readCopies = [](const fs::path& dir, std::vector<std::string>& notices) {
        std::vector<Read> out;
        auto reader = RecordReader::open(dir);
        EXPECT_TRUE(reader) << reader.error().message;
        if (!reader) return out;
        RecordView v;
        for (;;) {
            auto more = (*reader)->next(v);
            EXPECT_TRUE(more) << (more ? "" : more.error().message);
            if (!more || !*more) break;
            out.push_back({v.type, v.flags, v.socket, v.aux, v.wallUs, v.steadyUs, std::string(v.payload), std::string(v.target)});
        }
        notices = (*reader)->notices();
        return out;
    };
    std::vector<std::string> n1, n2;
    const auto a = readCopies(tmp.path("v1"), n1);
    const auto b = readCopies(tmp.path("v2"), n2);
    ASSERT_EQ(a.size(), 53u);
    EXPECT_EQ(a, b);
    EXPECT_EQ(a[0].type, RecordType::Opened);
    EXPECT_EQ(a[0].flags, 1);
    EXPECT_EQ(a[0].socket, 7u);
    EXPECT_EQ(a[0].steadyUs, 5'000'000);
    EXPECT_EQ(a[1].target, "/api/v3/depth?symbol=BTCUSDT");
    EXPECT_EQ(a[51].payload, tradeFrame(49));
    EXPECT_EQ(a[51].wallUs, 1'765'000'000'200'000 + 49 * 1000);
    EXPECT_EQ(a[51].steadyUs, 5'200'000 + 49 * 999);
    EXPECT_TRUE(n1.empty());
    EXPECT_TRUE(n2.empty());
}

TEST(RecordFormat, ANewerFormatVersionIsRefusedWithTheVersionsRead) {
    TempDir tmp;
    writeSample(tmp.path("rec"), 1);
    const auto segment = segmentsOf(tmp.path("rec")).front();
    std::fstream f(segment, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(8);
    f.put(3);
    f.close();
    auto reader = RecordReader::open(tmp.path("rec"));
    ASSERT_FALSE(reader);
    EXPECT_NE(reader.error().message.find("format version 3; this cpc reads versions 1 to 2"), std::string::npos)
        << reader.error().message;
}

// Found by fuzz_recording: a header's startedAtMs of 1.7e18 overflowed (UB) when a second
// segment's start was shown in microseconds. A start that cannot be a time is refused, saying what is.
TEST(RecordFormat, AHeaderStartThatIsNoTimeIsRefused) {
    SessionInfo good = info();
    SessionInfo wild = good;
    ASSERT_TRUE(SessionInfo::fromJson(good.toJson()));
    for (const std::int64_t at : {std::int64_t{1'700'000'000'000'000'001}, std::int64_t{-1}}) {
        wild.startedAtMs = at;
        const auto parsed = SessionInfo::fromJson(wild.toJson());
        ASSERT_FALSE(parsed) << at;
        EXPECT_NE(parsed.error().message.find("is not a time"), std::string::npos) << parsed.error().message;
    }
}

// Numbers of the session header that are not whole numbers in the field's range are refused with
// the field named, not converted (fuzz_recording after 4.0 M inputs: a startedAtMs of 3.4e21 was
// cast from a double to 64 bits, which is undefined).
TEST(RecordFormat, AHeaderNumberThatIsNoWholeNumberInRangeIsRefusedNamingTheField) {
    const std::string good = info().toJson();
    ASSERT_TRUE(SessionInfo::fromJson(good));
    const auto with = [&](const std::string& key, const std::string& value) {
        nlohmann::json j = nlohmann::json::parse(good);
        j[key] = nlohmann::json::parse(value);
        return j.dump();
    };
    struct Case {
        const char* key;
        const char* value;
        const char* said;
    };
    for (const Case& c : {Case{"startedAtMs", "3400019103200019103230", "is not a whole number"},
                          Case{"startedAtMs", "1.7e12", "is not a whole number"},
                          Case{"startedAtMs", "1700000000000.5", "is not a whole number"},
                          Case{"startedAtMs", "18446744073709551615", "is too large"},
                          Case{"segment", "-1", "is too small"},
                          Case{"segment", "2.5", "is not a whole number"},
                          Case{"segment", "1e300", "is not a whole number"}}) {
        const auto parsed = SessionInfo::fromJson(with(c.key, c.value));
        ASSERT_FALSE(parsed) << c.key << " " << c.value;
        EXPECT_NE(parsed.error().message.find(std::string("\"") + c.key + "\" " + c.said), std::string::npos)
            << parsed.error().message;
    }
    // The largest segment number still reads.
    const auto last = SessionInfo::fromJson(with("segment", "18446744073709551615"));
    ASSERT_TRUE(last) << last.error().message;
    EXPECT_EQ(last->segment, std::numeric_limits<std::uint64_t>::max());
}

TEST(RecordFormat, AWriterRefusesADirectoryWithFilesInIt) {
    TempDir tmp;
    writeSample(tmp.path("rec"), 1);
    auto again = RecordWriter::create(tmp.path("rec"), info());
    ASSERT_FALSE(again);
    EXPECT_NE(again.error().message.find("is not empty"), std::string::npos);
}

TEST(ReplayOptionsParsing, TimesAreIsoUtcOrEpochMillisecondsAndAnythingElseListsWhatIsAccepted) {
    EXPECT_EQ(*Replayer::parseTime("2026-12-06T03:18:00Z"), 1796527080000);
    EXPECT_EQ(*Replayer::parseTime("2026-12-06T03:18:00.25Z"), 1796527080250);
    EXPECT_EQ(*Replayer::parseTime("2026-12-06T03:18:00+00:00"), 1796527080000);
    EXPECT_EQ(*Replayer::parseTime("2026-12-06"), 1796515200000);
    EXPECT_EQ(*Replayer::parseTime("1796527080000"), 1796527080000);
    for (const char* bad : {"", "yesterday", "2026-12-06T03:18:00", "2026-13-06T03:18:00Z", "2026-12-06T03:18:00+01:00",
                            "12:00", "-5"}) {
        auto t = Replayer::parseTime(bad);
        ASSERT_FALSE(t) << bad;
        EXPECT_NE(t.error().message.find("accepted: ISO-8601 UTC"), std::string::npos) << t.error().message;
    }
}

TEST(ReplayOptionsParsing, SpeedIsOneToAThousandOrMax) {
    EXPECT_TRUE(Replayer::parseSpeed("max")->asFastAsPossible);
    EXPECT_DOUBLE_EQ(Replayer::parseSpeed("2.5")->speed, 2.5);
    EXPECT_DOUBLE_EQ(Replayer::parseSpeed("1000")->speed, 1000.0);
    for (const char* bad : {"0", "0.5", "1001", "fast", "", "2x"}) {
        auto s = Replayer::parseSpeed(bad);
        ASSERT_FALSE(s) << bad;
        EXPECT_NE(s.error().message.find("accepted: a number from 1 to 1000"), std::string::npos);
        EXPECT_NE(s.error().message.find("max"), std::string::npos);
    }
}
