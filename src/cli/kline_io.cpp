#include "kline_io.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "cpc/core/time.hpp"
#include "cpc/market/aggregate.hpp"
#include "cpc/market/validation.hpp"

namespace cpc::cli {

namespace {

constexpr const char* kJsonAccepted =
    "accepted: a Binance REST klines array of 12-field rows "
    "[openTime,\"open\",\"high\",\"low\",\"close\",\"volume\",closeTime,\"quoteVolume\",trades,"
    "\"takerBuyBase\",\"takerBuyQuote\",\"0\"] or 6-field rows [openTime,open,high,low,close,volume]";
constexpr const char* kCsvAccepted =
    "accepted: data.binance.vision kline CSV with 12 columns (open_time,open,high,low,close,volume,"
    "close_time,quote_volume,count,taker_buy_base_volume,taker_buy_quote_volume,ignore) or 6 "
    "columns (open_time,open,high,low,close,volume), times in ms or µs, optional header line";

// One scalar of a row, as the text it was written with.
struct Field {
    std::string text;
    bool quoted = false;
};

constexpr const char* kFieldNames12[] = {
    "open time", "open",   "high",         "low",          "close",           "volume",
    "close time", "quote volume", "trade count", "taker buy base volume", "taker buy quote volume",
    "ignore"};

std::string trim(std::string_view s) {
    std::size_t b = 0;
    std::size_t e = s.size();
    while (b < e && (s[b] == ' ' || s[b] == '\t' || s[b] == '\r')) ++b;
    while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r')) --e;
    return std::string(s.substr(b, e - b));
}

std::optional<std::int64_t> parseInteger(const std::string& text) {
    std::int64_t v = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (text.empty() || ec != std::errc{} || ptr != text.data() + text.size()) return std::nullopt;
    return v;
}

// Milliseconds from a ms or µs timestamp (detected by magnitude). Open times are whole
// milliseconds; a µs close time ends in …999999 and is rounded down (wholeMs = false).
std::optional<std::int64_t> parseTime(const std::string& text, bool wholeMs = true) {
    const auto v = parseInteger(text);
    if (!v || *v < 0) return std::nullopt;
    if (*v >= kMicrosecondThreshold) {
        if (wholeMs && *v % 1000 != 0) return std::nullopt;  // not a whole millisecond: not a kline time
        return *v / 1000;
    }
    return *v;
}

// Builds a candle from 6 or 12 fields; the error says which field is wrong (without location).
Result<Candle> candleFromFields(const std::vector<Field>& f) {
    Candle c;
    c.closed = true;
    const auto t = parseTime(f[0].text);
    if (!t)
        return makeError("open time '" + f[0].text +
                         "' is not a timestamp (whole milliseconds or microseconds since 1970)");
    c.openTime = *t;
    const std::pair<Decimal*, std::size_t> decimals12[] = {
        {&c.open, 1},        {&c.high, 2},         {&c.low, 3},          {&c.close, 4},
        {&c.volume, 5},      {&c.quoteVolume, 7},  {&c.takerBuyBase, 9}, {&c.takerBuyQuote, 10}};
    const std::size_t decimalCount = f.size() == 12 ? 8 : 5;
    for (std::size_t k = 0; k < decimalCount; ++k) {
        const auto [target, index] = decimals12[k];
        const auto d = Decimal::parse(f[index].text);
        if (!d)
            return makeError(std::string(kFieldNames12[index]) + " '" + f[index].text +
                             "' is not a decimal number (at most 8 decimals, no exponent)");
        *target = *d;
    }
    if (f.size() == 12) {
        const auto closeT = parseTime(f[6].text, /*wholeMs=*/false);
        if (!closeT || *closeT <= c.openTime)
            return makeError("close time '" + f[6].text + "' is not a timestamp after the open time");
        const auto n = parseInteger(f[8].text);
        if (!n || *n < 0) return makeError("trade count '" + f[8].text + "' is not a whole number >= 0");
        // A count of 0 beside a traded volume cannot come from Binance; it is a tool that did not
        // know the count. Reading it as unknown keeps the candle's prices in aggregation.
        c.trades = (*n == 0 && !c.volume.isZero()) ? -1 : *n;
    } else {
        c.trades = -1;  // unknown: hasTrades() then looks at the volume
    }
    if (auto bad = market::validateCandle(c)) return makeError(*bad);
    return c;
}

// ------------------------------------------------------------------------------------- JSON

class JsonRowReader {
public:
    JsonRowReader(std::string_view text, const std::string& source) : m_s(text), m_source(source) {}

    Result<KlineInput> read() {
        KlineInput input;
        input.format = KlineFormat::Json;
        skipBlank();
        if (!consume('[')) return fail("expected '[' starting the array of kline rows");
        skipBlank();
        if (consume(']')) return finish(std::move(input));
        for (std::size_t rowIndex = 1;; ++rowIndex) {
            skipBlank();
            const std::size_t rowLine = m_line;
            if (!consume('['))
                return fail("row " + std::to_string(rowIndex) + " is not an array");
            std::vector<Field> fields;
            skipBlank();
            if (!consume(']')) {
                for (;;) {
                    skipBlank();
                    auto field = scalar();
                    if (!field)
                        return fail("row " + std::to_string(rowIndex) + ", field " +
                                    std::to_string(fields.size() + 1) + ": " + field.error().message);
                    fields.push_back(std::move(*field));
                    skipBlank();
                    if (consume(',')) continue;
                    if (consume(']')) break;
                    return fail("row " + std::to_string(rowIndex) + ": expected ',' or ']'");
                }
            }
            if (fields.size() != 12 && fields.size() != 6)
                return failAt(rowLine, "row " + std::to_string(rowIndex) + " has " +
                                           std::to_string(fields.size()) + " fields");
            auto candle = candleFromFields(fields);
            if (!candle)
                return failAt(rowLine, "row " + std::to_string(rowIndex) + ": " + candle.error().message);
            input.rows.push_back(KlineRow{*candle, rowLine, fields.size() == 12});
            skipBlank();
            if (consume(',')) continue;
            if (consume(']')) break;
            return fail("expected ',' or ']' after row " + std::to_string(rowIndex));
        }
        return finish(std::move(input));
    }

private:
    Result<KlineInput> finish(KlineInput input) {
        skipBlank();
        if (m_pos != m_s.size()) return fail("unexpected text after the closing ']'");
        return input;
    }

    Error fail(const std::string& what) const { return failAt(m_line, what); }
    Error failAt(std::size_t line, const std::string& what) const {
        return makeError(m_source + ":" + std::to_string(line) + ": " + what + " (" + kJsonAccepted + ")");
    }

    void skipBlank() {
        while (m_pos < m_s.size()) {
            const char c = m_s[m_pos];
            if (c == '\n') ++m_line;
            if (c != ' ' && c != '\t' && c != '\r' && c != '\n') break;
            ++m_pos;
        }
    }
    bool consume(char c) {
        if (m_pos < m_s.size() && m_s[m_pos] == c) {
            ++m_pos;
            return true;
        }
        return false;
    }

    // A string or number (kept as written), or a literal (reported as not a value we accept).
    Result<Field> scalar() {
        if (m_pos >= m_s.size()) return makeError("input ends inside a row");
        const char c = m_s[m_pos];
        if (c == '"') {
            ++m_pos;
            Field f;
            f.quoted = true;
            while (m_pos < m_s.size() && m_s[m_pos] != '"') {
                if (m_s[m_pos] == '\n') return makeError("line break inside a string");
                if (m_s[m_pos] == '\\') {
                    if (++m_pos >= m_s.size()) break;
                }
                f.text += m_s[m_pos++];
            }
            if (!consume('"')) return makeError("unterminated string");
            return f;
        }
        if (c == '-' || (c >= '0' && c <= '9')) {
            Field f;
            while (m_pos < m_s.size()) {
                const char d = m_s[m_pos];
                if (!((d >= '0' && d <= '9') || d == '-' || d == '+' || d == '.' || d == 'e' || d == 'E'))
                    break;
                f.text += d;
                ++m_pos;
            }
            return f;
        }
        return makeError("expected a number or a string");
    }

    std::string_view m_s;
    const std::string& m_source;
    std::size_t m_pos = 0;
    std::size_t m_line = 1;
};

// -------------------------------------------------------------------------------------- CSV

Result<KlineInput> readCsv(std::string_view text, const std::string& source) {
    KlineInput input;
    input.format = KlineFormat::Csv;
    std::size_t line = 0;
    bool seenContent = false;
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t end = text.find('\n', pos);
        if (end == std::string_view::npos) end = text.size();
        const std::string_view raw = text.substr(pos, end - pos);
        pos = end + 1;
        ++line;
        if (trim(raw).empty()) continue;
        std::vector<Field> fields;
        std::size_t start = 0;
        for (;;) {
            const std::size_t comma = raw.find(',', start);
            std::string cell = trim(raw.substr(start, comma == std::string_view::npos ? raw.npos : comma - start));
            if (cell.size() >= 2 && cell.front() == '"' && cell.back() == '"') cell = cell.substr(1, cell.size() - 2);
            fields.push_back(Field{std::move(cell), false});
            if (comma == std::string_view::npos) break;
            start = comma + 1;
        }
        const auto where = [&](const std::string& what) {
            return makeError(source + ":" + std::to_string(line) + ": " + what + " (" + kCsvAccepted + ")");
        };
        if (!seenContent) {
            seenContent = true;
            const char first = fields[0].text.empty() ? '\0' : fields[0].text[0];
            const bool numeric = (first >= '0' && first <= '9') || first == '-';
            if (!numeric && (fields.size() == 12 || fields.size() == 6)) continue;  // header line
        }
        if (fields.size() != 12 && fields.size() != 6)
            return where("expected 12 or 6 columns, got " + std::to_string(fields.size()));
        auto candle = candleFromFields(fields);
        if (!candle) return where(candle.error().message);
        input.rows.push_back(KlineRow{*candle, line, fields.size() == 12});
    }
    return input;
}

}  // namespace

std::string_view toString(KlineFormat format) {
    return format == KlineFormat::Json ? "json" : "csv";
}

std::optional<KlineFormat> parseKlineFormat(std::string_view text) {
    if (text == "json") return KlineFormat::Json;
    if (text == "csv") return KlineFormat::Csv;
    return std::nullopt;
}

Result<KlineInput> readKlines(std::string_view text, std::optional<KlineFormat> format,
                              const std::string& sourceName) {
    // A UTF-8 byte order mark (written by some spreadsheet tools) is not part of the first row: left
    // in, it made the first CSV row look like a header, which was then dropped.
    if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
    if (!format) {
        const std::size_t first = text.find_first_not_of(" \t\r\n");
        if (first == std::string_view::npos)
            return makeError(sourceName + ": no klines (the input is empty)");
        format = text[first] == '[' ? KlineFormat::Json : KlineFormat::Csv;
    }
    if (*format == KlineFormat::Json) return JsonRowReader(text, sourceName).read();
    return readCsv(text, sourceName);
}

std::string klineCsvRow(const Candle& c, Interval interval) {
    std::string s = std::to_string(c.openTime);
    for (const Decimal* d : {&c.open, &c.high, &c.low, &c.close, &c.volume}) s += "," + d->toString();
    s += "," + std::to_string(closeTime(interval, c.openTime));
    s += "," + c.quoteVolume.toString();
    s += "," + std::to_string(std::max<std::int64_t>(c.trades, 0));
    s += "," + c.takerBuyBase.toString() + "," + c.takerBuyQuote.toString() + ",0";
    return s;
}

std::string klineJsonRow(const Candle& c, Interval interval) {
    std::string s = "[" + std::to_string(c.openTime);
    for (const Decimal* d : {&c.open, &c.high, &c.low, &c.close, &c.volume}) s += ",\"" + d->toString() + "\"";
    s += "," + std::to_string(closeTime(interval, c.openTime));
    s += ",\"" + c.quoteVolume.toString() + "\"";
    s += "," + std::to_string(std::max<std::int64_t>(c.trades, 0));
    s += ",\"" + c.takerBuyBase.toString() + "\",\"" + c.takerBuyQuote.toString() + "\",\"0\"]";
    return s;
}

void writeKlines(std::ostream& out, std::span<const Candle> candles, Interval interval,
                 KlineFormat format) {
    if (format == KlineFormat::Csv) {
        for (const Candle& c : candles) out << klineCsvRow(c, interval) << '\n';
        return;
    }
    if (candles.empty()) {
        out << "[]\n";
        return;
    }
    out << "[\n";
    for (std::size_t i = 0; i < candles.size(); ++i)
        out << klineJsonRow(candles[i], interval) << (i + 1 < candles.size() ? ",\n" : "\n");
    out << "]\n";
}

std::string inputDisplayName(const std::string& path) { return path == "-" ? "<stdin>" : path; }

Result<KlineInput> readKlineFile(const std::string& path, std::optional<KlineFormat> format) {
    const std::string sourceName = inputDisplayName(path);
    auto text = readTextInput(path);
    if (!text) return text.error();
    auto input = readKlines(*text, format, sourceName);
    if (!input) return input.error();
    std::vector<KlineRow>& rows = input->rows;
    if (rows.empty()) return makeError(sourceName + ": contains no klines");
    std::stable_sort(rows.begin(), rows.end(),
                     [](const KlineRow& a, const KlineRow& b) { return a.candle.openTime < b.candle.openTime; });
    for (std::size_t i = 1; i < rows.size(); ++i)
        if (rows[i].candle.openTime == rows[i - 1].candle.openTime)
            return makeError(sourceName + ": lines " + std::to_string(rows[i - 1].line) + " and " +
                             std::to_string(rows[i].line) + " have the same open time " +
                             formatUtc(rows[i].candle.openTime));
    return input;
}

Result<std::string> readTextInput(const std::string& path, std::size_t maxBytes) {
    const std::string name = inputDisplayName(path);
    const auto tooLarge = [&] {
        return makeError(name + ": larger than " + std::to_string(maxBytes >> 20) +
                         " MiB, more than a kline file holds (accepted: a kline file up to that size; split a larger one)");
    };
    // Read in chunks through istream::read, whose sentry turns a failing read (EISDIR, EIO) into
    // badbit; istreambuf_iterator let basic_filebuf's std::ios_base::failure escape. At most
    // maxBytes + 1 bytes are read, so an endless input (/dev/zero, a pipe that never ends) stops.
    const auto readAll = [&](std::istream& in) -> Result<std::string> {
        std::string text;
        std::array<char, 1 << 16> chunk{};
        try {
            while (in) {
                const std::size_t room = maxBytes + 1 - text.size();
                in.read(chunk.data(), static_cast<std::streamsize>(std::min(chunk.size(), room)));
                text.append(chunk.data(), static_cast<std::size_t>(in.gcount()));
                if (text.size() > maxBytes) return tooLarge();
            }
        } catch (const std::exception& e) {
            return makeError(name + ": read error: " + e.what());
        }
        if (in.bad()) return makeError(name + ": read error: " + std::strerror(errno));
        return text;
    };
    if (path == "-") return readAll(std::cin);
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec))
        return makeError(name + ": is a directory (accepted: a kline file, JSON or CSV, or - for standard input)");
    errno = 0;
    std::ifstream file(path, std::ios::binary);
    if (!file) return makeError(name + ": cannot open: " + std::strerror(errno));
    return readAll(file);
}

std::vector<Candle> aggregateWholeBuckets(std::span<const Candle> source, Interval from, Interval to,
                                          std::int64_t anchor3dMs, bool partial) {
    market::AggregateOptions options;
    options.anchor3dMs = anchor3dMs;
    std::vector<Candle> out = market::aggregate(source, from, to, options);
    if (partial || source.empty()) return out;
    const std::int64_t firstOpen = source.front().openTime;
    const std::int64_t lastClose = closeTime(from, source.back().openTime);
    std::erase_if(out, [&](const Candle& c) {
        return c.openTime < firstOpen || closeTime(to, c.openTime) > lastClose;
    });
    return out;
}

}  // namespace cpc::cli
