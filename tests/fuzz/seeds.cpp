// Writes the seed corpus of every fuzz target from the real fixtures (tests/fixtures):
//   cpc_fuzz_seeds <fixtures dir> <out dir>   → <out dir>/<target>/<n>
// Binance: each frame of the recorded WebSocket captures, each recorded depth snapshot, the
// exchangeInfo subset and the REST klines, each behind the byte selecting its parser; Bybit, OKX,
// KuCoin: each captured answer and frame, behind every parser's byte;
// kline input: the REST klines as JSON (12 and 6 fields) and as data.binance.vision CSV (ms and µs);
// alert conditions: the examples of acceptedConditionsText(); URLs: every venue's endpoints and a
// stream URL; recordings: records made of the fixtures' frames and a REST answer.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <zstd.h>

#include "cpc/alerts/condition.hpp"
#include "cpc/exchange/registry.hpp"
#include "cpc/replay/record.hpp"
#include "kline_io.hpp"
#include "venue_parsers.hpp"

namespace fs = std::filesystem;

namespace {

std::string readFile(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

class Corpus {
public:
    Corpus(fs::path dir) : m_dir(std::move(dir)) { fs::create_directories(m_dir); }
    void add(std::string_view bytes) {
        std::ofstream(m_dir / std::to_string(++m_count), std::ios::binary) << bytes;
    }
    int count() const { return m_count; }

private:
    fs::path m_dir;
    int m_count = 0;
};

// The payloads of a capture file: each line's text after its first "<timestamp>: " (the first line of
// a WebSocket capture is the URL). At most `most` of them.
std::vector<std::string> capturePayloads(const fs::path& path, std::size_t most) {
    std::vector<std::string> out;
    std::ifstream in(path);
    std::string line;
    while (out.size() < most && std::getline(in, line)) {
        const auto colon = line.find(": {");
        if (colon != std::string::npos) out.push_back(line.substr(colon + 2));
    }
    return out;
}

std::string segmentFile(std::string_view json, std::string_view records) {
    std::string out(cpc::replay::kMagic, sizeof cpc::replay::kMagic);
    const auto putU32 = [&](std::uint32_t v) {
        for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
    };
    putU32(cpc::replay::kFormatVersion);
    putU32(static_cast<std::uint32_t>(json.size()));
    out.append(json);
    std::string z(ZSTD_compressBound(records.size()), '\0');
    z.resize(ZSTD_compress(z.data(), z.size(), records.data(), records.size(), 1));
    return out + z;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::cerr << "usage: cpc_fuzz_seeds <fixtures dir> <out dir>\n";
        return 2;
    }
    const fs::path fixtures = argv[1];
    const fs::path out = argv[2];
    if (!fs::is_directory(fixtures)) {
        std::cerr << "cpc_fuzz_seeds: " << fixtures << " is not a directory\n";
        return 2;
    }

    // Venue codecs: each input starts with the byte that selects its parser (venue_parsers.hpp).
    using cpc::fuzz::VenueParser;
    const auto forParser = [](VenueParser parser, std::string_view bytes, bool errorStatus = false) {
        std::string seed(1, static_cast<char>(static_cast<std::uint8_t>(parser) |
                                              (errorStatus ? cpc::fuzz::kErrorStatusBit : 0)));
        return seed.append(bytes);
    };
    // A captured answer whose kind the file does not say: for every parser.
    const auto forEveryParser = [&](Corpus& c, std::string_view bytes) {
        for (std::uint8_t p = 0; p < cpc::fuzz::kVenueParsers; ++p) c.add(forParser(static_cast<VenueParser>(p), bytes));
    };
    std::vector<std::string> binanceFrames;
    {
        Corpus c(out / "fuzz_binance_codec");
        for (const char* capture : {"BINANCE.ws.1.0", "BINANCE_US.ws.1.0"})
            for (auto& frame : capturePayloads(fixtures / "binance-captures" / capture, 60)) {
                c.add(forParser(VenueParser::Stream, frame));
                binanceFrames.push_back(std::move(frame));
            }
        for (const auto& snapshot : capturePayloads(fixtures / "binance-captures" / "BINANCE.http.depth-snapshots", 4))
            c.add(forParser(VenueParser::DepthSnapshot, snapshot));
        c.add(forParser(VenueParser::ExchangeInfo, readFile(fixtures / "binance-captures" / "exchangeInfo.subset.json")));
        const std::string klines = readFile(fixtures / "binance-rest" / "BTCUSDT-1h-2024-01-15.klines.json");
        c.add(forParser(VenueParser::History, klines));
        c.add(forParser(VenueParser::HistoryFor, klines));
        c.add(forParser(VenueParser::ServerTime, R"({"serverTime":1700000000000})"));
        for (std::uint8_t p = 1; p < cpc::fuzz::kVenueParsers; ++p)
            c.add(forParser(static_cast<VenueParser>(p), R"({"code":-1121,"msg":"Invalid symbol."})", true));
        c.add(forParser(VenueParser::Stream, R"({"result":null,"id":1})"));
    }
    for (const char* venue : {"bybit", "okx", "kucoin"}) {
        Corpus c(out / (std::string("fuzz_") + venue + "_codec"));
        for (const auto& entry : fs::directory_iterator(fixtures / venue))
            if (entry.path().extension() == ".json") forEveryParser(c, readFile(entry.path()));
    }

    // Kline input: the REST klines, and the same rows as CSV.
    {
        Corpus c(out / "fuzz_kline_input");
        const std::string json = readFile(fixtures / "binance-rest" / "BTCUSDT-1h-2024-01-15.klines.json");
        c.add(json);
        auto rows = cpc::cli::readKlines(json, cpc::cli::KlineFormat::Json, "seed");
        if (!rows) {
            std::cerr << "cpc_fuzz_seeds: " << rows.error().message << "\n";
            return 1;
        }
        std::string csv, csvMicro, sixFields = "[";
        for (const auto& row : rows->rows) {
            csv += cpc::cli::klineCsvRow(row.candle, cpc::Interval::H1) + "\n";
            // The same row with both times in microseconds (data.binance.vision from 2025 on).
            std::string micro = cpc::cli::klineCsvRow(row.candle, cpc::Interval::H1);
            const auto firstComma = micro.find(',');
            micro.insert(firstComma, "000");
            std::size_t sixth = 0;
            for (int field = 0; field < 6; ++field) sixth = micro.find(',', sixth + 1);
            micro.insert(micro.find(',', sixth + 1), "999");
            csvMicro += micro + "\n";
            if (sixFields.size() < 400) {
                const std::string full = cpc::cli::klineJsonRow(row.candle, cpc::Interval::H1);
                std::size_t commas = 0, cut = 0;
                for (std::size_t i = 0; i < full.size() && commas < 6; ++i)
                    if (full[i] == ',' && ++commas == 6) cut = i;
                sixFields += (sixFields.size() > 1 ? "," : "") + full.substr(0, cut) + "]";
            }
        }
        c.add(csv);
        c.add("open_time,open,high,low,close,volume,close_time,quote_volume,count,taker_buy_volume,"
              "taker_buy_quote_volume,ignore\n" + csv.substr(0, 600));
        c.add("\xEF\xBB\xBF" + csv.substr(0, 300));
        c.add(csvMicro);
        c.add(sixFields + "]");
    }

    // Alert conditions: every example of the accepted forms.
    {
        Corpus c(out / "fuzz_alert_condition");
        std::istringstream lines(cpc::alerts::acceptedConditionsText());
        std::string line;
        while (std::getline(lines, line)) {
            if (line.rfind("  ", 0) != 0) continue;
            std::size_t start = 2;
            for (;;) {
                const auto bar = line.find(" | ", start);
                std::string form = line.substr(start, bar == std::string::npos ? std::string::npos : bar - start);
                if (const auto paren = form.find(" (or "); paren != std::string::npos) form.resize(paren);
                if (const auto paren = form.find(" (also "); paren != std::string::npos) form.resize(paren);
                c.add(form);
                if (bar == std::string::npos) break;
                start = bar + 3;
            }
        }
        c.add("MACD(12,26,9).macdsignal crosses down 0");
        c.add("close crosses ray(6800@2026-12-01T00:00Z, 6900@2026-12-02T00:00Z)");
    }

    // URLs: every venue's endpoints, a combined stream URL, loopback overrides.
    {
        Corpus c(out / "fuzz_url");
        for (const auto& name : cpc::exchange::adapterNames()) {
            auto adapter = cpc::exchange::makeAdapter(name);
            if (!adapter) continue;
            c.add((*adapter)->endpoints().restBase);
            c.add((*adapter)->endpoints().streamBase);
            c.add((*adapter)->streamUrl({cpc::exchange::StreamSpec{(*adapter)->symbolFor("BTC", "USDT")}}));
        }
        c.add("ws://127.0.0.1:9443/stream?streams=btcusdt@trade");
        c.add("http://[::1]:8080/api/v3/klines");
        c.add("wss://localhost/ws");
    }

    // Recordings: mode 1 (header JSON + record stream) and mode 0 (a whole segment file).
    {
        Corpus c(out / "fuzz_recording");
        const std::string header =
            R"({"format":1,"exchange":"binance","rest":"https://api.binance.com","endpoint":"wss://stream.binance.com:9443/stream",)"
            R"("symbols":["NKNUSDT"],"streams":["trade","depth"],"startedAtMs":1700000000000,"segment":2})";
        std::string records;
        cpc::replay::appendRecord(records, cpc::replay::RecordType::Opened, 0, 1, 0, 1'700'000'000'000'000, 1000,
                                  "wss://stream.binance.com:9443/stream");
        for (std::size_t i = 0; i < binanceFrames.size() && i < 8; ++i)
            cpc::replay::appendRecord(records, cpc::replay::RecordType::Frame, 0, 1, 0,
                                      1'700'000'000'000'000 + static_cast<std::int64_t>(i), 2000, binanceFrames[i]);
        cpc::replay::appendRest(records, 200, 1'700'000'000'100'000, 3000, "GET", "/api/v3/depth?symbol=NKNUSDT&limit=1000",
                                R"({"lastUpdateId":1,"bids":[["1.0","2.0"]],"asks":[]})");
        cpc::replay::appendRecord(records, cpc::replay::RecordType::Switched, 0, 2, 0, 1'700'000'000'200'000, 4000, "");
        cpc::replay::appendRecord(records, cpc::replay::RecordType::Closed, 0, 1, 0, 1'700'000'000'300'000, 5000,
                                  "the server closed the connection");
        const std::string shortHeader = header.substr(0, std::min<std::size_t>(header.size(), 255));
        for (const std::uint8_t mode : {1, 3, 5}) {
            std::string seed(1, static_cast<char>(mode));
            seed += static_cast<char>(shortHeader.size());
            seed += static_cast<char>(200);
            c.add(seed + shortHeader + records);
        }
        c.add(std::string(1, '\0') + segmentFile(header, records));
    }
    std::cout << "cpc_fuzz_seeds: wrote the seed corpora under " << out.string() << "\n";
    return 0;
}
