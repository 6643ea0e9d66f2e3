#include "cpc/replay/record.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <ctime>
#include <limits>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace cpc::replay {

namespace {

// Slice-by-8 tables of the reflected IEEE polynomial: ~1–2 GB/s, so checking every record costs
// little next to decoding its JSON.
struct CrcTables {
    std::array<std::array<std::uint32_t, 256>, 8> t{};
    CrcTables() {
        for (std::uint32_t i = 0; i < 256; ++i) {
            std::uint32_t c = i;
            for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            t[0][i] = c;
        }
        for (std::uint32_t i = 0; i < 256; ++i)
            for (std::size_t s = 1; s < 8; ++s) t[s][i] = (t[s - 1][i] >> 8) ^ t[0][t[s - 1][i] & 0xFF];
    }
};
const CrcTables kCrc;

void putU32(char* p, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) p[i] = static_cast<char>((v >> (8 * i)) & 0xFF);
}
void putU64(char* p, std::uint64_t v) {
    for (int i = 0; i < 8; ++i) p[i] = static_cast<char>((v >> (8 * i)) & 0xFF);
}

// The bytes before a record's body: version 1 length + CRC, version 2 the length.
std::size_t prefixSize(std::uint32_t version) { return version == 1 ? 8 : 4; }

// Reserves room for a record of `payloadSize` payload bytes at the end of `out`, writes its head
// and returns where the payload goes; finishRecord() writes the length (and version 1's CRC).
// Version 2 stores the steady time as its difference to the wall time: nearly constant within a
// recording, so it compresses to almost nothing where the absolute value cost bytes a record.
char* beginRecord(std::string& out, std::size_t& at, RecordType type, std::uint8_t flags, std::uint32_t socket,
                  std::int32_t aux, std::int64_t wallUs, std::int64_t steadyUs, std::size_t payloadSize,
                  std::uint32_t version) {
    at = out.size();
    const std::size_t prefix = prefixSize(version);
    out.resize(at + prefix + kRecordHead + payloadSize);
    char* body = out.data() + at + prefix;
    body[0] = static_cast<char>(type);
    body[1] = static_cast<char>(flags);
    body[2] = 0;
    body[3] = 0;
    putU32(body + 4, socket);
    putU32(body + 8, static_cast<std::uint32_t>(aux));
    putU32(body + 12, 0);
    putU64(body + 16, static_cast<std::uint64_t>(wallUs));
    putU64(body + 24, static_cast<std::uint64_t>(version == 1 ? steadyUs : steadyUs - wallUs));
    return body + kRecordHead;
}

void finishRecord(std::string& out, std::size_t at, std::uint32_t version) {
    const std::size_t prefix = prefixSize(version);
    const std::size_t bodySize = out.size() - at - prefix;
    putU32(out.data() + at, static_cast<std::uint32_t>(bodySize));
    if (version == 1) putU32(out.data() + at + 4, crc32(std::string_view(out.data() + at + 8, bodySize)));
}

}  // namespace

std::uint32_t crc32(std::string_view bytes, std::uint32_t seed) {
    std::uint32_t c = ~seed;
    const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
    std::size_t n = bytes.size();
    const auto& t = kCrc.t;
    while (n >= 8) {
        const std::uint32_t lo = c ^ (static_cast<std::uint32_t>(p[0]) | static_cast<std::uint32_t>(p[1]) << 8 |
                                      static_cast<std::uint32_t>(p[2]) << 16 | static_cast<std::uint32_t>(p[3]) << 24);
        c = t[7][lo & 0xFF] ^ t[6][(lo >> 8) & 0xFF] ^ t[5][(lo >> 16) & 0xFF] ^ t[4][lo >> 24] ^ t[3][p[4]] ^
            t[2][p[5]] ^ t[1][p[6]] ^ t[0][p[7]];
        p += 8;
        n -= 8;
    }
    while (n-- > 0) c = t[0][(c ^ *p++) & 0xFF] ^ (c >> 8);
    return ~c;
}

void appendRecord(std::string& out, RecordType type, std::uint8_t flags, std::uint32_t socket, std::int32_t aux,
                  std::int64_t wallUs, std::int64_t steadyUs, std::string_view payload, std::uint32_t version) {
    std::size_t at = 0;
    char* p = beginRecord(out, at, type, flags, socket, aux, wallUs, steadyUs, payload.size(), version);
    if (!payload.empty()) std::memcpy(p, payload.data(), payload.size());
    finishRecord(out, at, version);
}

void appendRest(std::string& out, std::int32_t status, std::int64_t wallUs, std::int64_t steadyUs,
                std::string_view method, std::string_view target, std::string_view body, std::uint32_t version) {
    method = method.substr(0, 255);
    std::size_t at = 0;
    char* p = beginRecord(out, at, RecordType::Rest, 0, 0, status, wallUs, steadyUs,
                          1 + method.size() + 4 + target.size() + body.size(), version);
    *p++ = static_cast<char>(method.size());
    std::memcpy(p, method.data(), method.size());
    p += method.size();
    putU32(p, static_cast<std::uint32_t>(target.size()));
    p += 4;
    if (!target.empty()) std::memcpy(p, target.data(), target.size());
    p += target.size();
    if (!body.empty()) std::memcpy(p, body.data(), body.size());
    finishRecord(out, at, version);
}

void appendCheck(std::string& out, std::size_t from) {
    char crc[4];
    putU32(crc, crc32(std::string_view(out).substr(std::min(from, out.size()))));
    appendRecord(out, static_cast<RecordType>(kCheckRecordType), 0, 0, 0, 0, 0, std::string_view(crc, 4), 2);
}

namespace {
constexpr std::int64_t kLatestStartMs = 7'258'118'400'000;  // 2200-01-01 UTC
}  // namespace

std::string segmentName(std::uint64_t number, std::int64_t startedAtMs) {
    const std::time_t seconds = static_cast<std::time_t>(startedAtMs / 1000);
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
    char name[64];
    std::snprintf(name, sizeof name, "%08llu-%s%s", static_cast<unsigned long long>(number), stamp, kSegmentSuffix);
    return name;
}

std::string SessionInfo::toJson() const {
    nlohmann::ordered_json j;
    j["format"] = kFormatVersion;
    j["exchange"] = exchange;
    if (market != MarketType::Spot) j["market"] = std::string(toString(market));  // spot files stay as before
    j["rest"] = restBase;
    j["endpoint"] = streamBase;
    j["symbols"] = symbols;
    j["streams"] = streams;
    j["startedAtMs"] = startedAtMs;
    j["segment"] = segment;
    return j.dump();
}

namespace {

// A whole-number field of the session header as T. A fraction or an exponent (3.4e21) is refused,
// not cast: a double out of T's range converted to it is undefined (found by fuzz_recording), and
// so is a value past T's range.
template <typename T>
T wholeNumber(const nlohmann::json& j, const char* key) {
    const auto& v = j.at(key);
    const auto refuse = [&](const char* what) {
        throw std::invalid_argument(std::string("\"") + key + "\" " + what + " (" + v.dump() + ")");
    };
    if (!v.is_number_integer()) refuse("is not a whole number");
    if (v.is_number_unsigned()) {
        if (v.get<std::uint64_t>() > static_cast<std::uint64_t>(std::numeric_limits<T>::max())) refuse("is too large");
    } else if (v.get<std::int64_t>() < static_cast<std::int64_t>(std::numeric_limits<T>::min())) {
        refuse("is too small");
    }
    return v.get<T>();
}

}  // namespace

Result<SessionInfo> SessionInfo::fromJson(std::string_view text) {
    try {
        const auto j = nlohmann::json::parse(text);
        SessionInfo info;
        info.exchange = j.at("exchange").get<std::string>();
        if (j.contains("market")) {
            const auto market = parseMarketType(j.at("market").get<std::string>());
            if (!market) return makeError("its session header names an unknown market '" + j.at("market").get<std::string>() + "'");
            info.market = *market;
        }
        info.restBase = j.at("rest").get<std::string>();
        info.streamBase = j.at("endpoint").get<std::string>();
        info.symbols = j.at("symbols").get<std::vector<std::string>>();
        info.streams = j.at("streams").get<std::vector<std::string>>();
        info.startedAtMs = wholeNumber<std::int64_t>(j, "startedAtMs");
        // A time a recording can have been started at (1970 to 2200): times are shown and
        // converted to microseconds, which a wild value would overflow (found by fuzz_recording).
        if (info.startedAtMs < 0 || info.startedAtMs > kLatestStartMs)
            return makeError("its session header's startedAtMs " + std::to_string(info.startedAtMs) +
                             " is not a time (accepted: milliseconds since 1970, before 2200)");
        info.segment = wholeNumber<std::uint64_t>(j, "segment");
        return info;
    } catch (const std::exception& e) {
        return makeError(std::string("its session header is not valid: ") + e.what());
    }
}

}  // namespace cpc::replay
