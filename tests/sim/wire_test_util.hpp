#pragma once
// Helpers for tests/sim/wire_*_test.cpp: the simulator's encoders (src/sim/wire.hpp) checked against
// the client adapters (they must read back what was encoded) and against the venues' real payloads
// (tests/fixtures): the same field names with the same JSON types, so a mistake the encoder and
// the decoder share (a renamed field, a number sent as a string, seconds for milliseconds) shows.
#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cpc/core/candle.hpp"
#include "cpc/core/interval.hpp"
#include "support/fixtures.hpp"

namespace cpc::test {

inline std::string jsonKind(const nlohmann::json& v) {
    switch (v.type()) {
        case nlohmann::json::value_t::object: return "object";
        case nlohmann::json::value_t::array: return "array";
        case nlohmann::json::value_t::string: return "string";
        case nlohmann::json::value_t::boolean: return "boolean";
        case nlohmann::json::value_t::number_integer:
        case nlohmann::json::value_t::number_unsigned: return "integer";
        case nlohmann::json::value_t::number_float: return "float";
        case nlohmann::json::value_t::null: return "null";
        default: return "other";
    }
}

// The digits of an integer or of a string of digits ("1589968800"); 0 for anything else.
inline std::size_t digitCount(const nlohmann::json& v) {
    std::string text;
    if (v.is_number_integer()) text = v.dump();
    else if (v.is_string()) text = v.get<std::string>();
    else return 0;
    if (!text.empty() && text[0] == '-') text.erase(0, 1);
    if (text.empty() || !std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c) != 0; }))
        return 0;
    return text.size();
}

// Where the shape of `ours` differs from that of `real`: a field missing or extra, another JSON
// type, a tuple (an array of scalars: a candle row, a price level) of another length, or a time
// in another unit (a real value of 10 or more digits — seconds, ms, ns — must keep its digit
// count). Arrays of containers are lists: each of our elements is compared with the first real
// one. An empty array on either side is not looked into.
inline void shapeDifferences(const nlohmann::json& ours, const nlohmann::json& real, const std::string& path,
                             std::vector<std::string>& out) {
    const std::string at = path.empty() ? "(root)" : path;
    if (jsonKind(ours) != jsonKind(real)) {
        out.push_back(at + ": " + jsonKind(ours) + ", real payload has " + jsonKind(real));
        return;
    }
    if (real.is_object()) {
        for (const auto& [key, value] : real.items()) {
            if (!ours.contains(key)) out.push_back(path + "." + key + ": missing");
            else shapeDifferences(ours.at(key), value, path + "." + key, out);
        }
        for (const auto& [key, value] : ours.items())
            if (!real.contains(key)) out.push_back(path + "." + key + ": not in the real payload");
        return;
    }
    if (real.is_array()) {
        if (ours.empty() || real.empty()) return;
        const bool tuple = std::none_of(real.begin(), real.end(), [](const auto& e) { return e.is_structured(); });
        if (tuple) {
            if (ours.size() != real.size()) {
                out.push_back(at + ": " + std::to_string(ours.size()) + " fields, real payload has " +
                              std::to_string(real.size()));
                return;
            }
            for (std::size_t i = 0; i < real.size(); ++i)
                shapeDifferences(ours[i], real[i], path + "[" + std::to_string(i) + "]", out);
        } else {
            for (std::size_t i = 0; i < ours.size(); ++i)
                shapeDifferences(ours[i], real[0], path + "[" + std::to_string(i) + "]", out);
        }
        return;
    }
    const std::size_t realDigits = digitCount(real);
    if (realDigits >= 10 && digitCount(ours) != realDigits)
        out.push_back(at + ": " + ours.dump() + " is not in the unit of the real " + real.dump());
}

inline std::vector<std::string> shapeDifferences(const std::string& ours, const std::string& real) {
    std::vector<std::string> out;
    shapeDifferences(nlohmann::json::parse(ours), nlohmann::json::parse(real), "", out);
    return out;
}

// Fails the test when `ours` (simulator-encoded) has not the shape of `real` (a venue's payload).
inline void expectSameShape(const std::string& ours, const std::string& real, const std::string& what) {
    const auto differences = shapeDifferences(ours, real);
    std::string text;
    for (const auto& d : differences) text += "\n  " + d;
    EXPECT_TRUE(differences.empty()) << what << ": the simulator's " << ours << " differs from the real payload:" << text;
}

inline constexpr std::int64_t kWireStart = 1704067200000;  // 2024-01-01 00:00 UTC

// Five hourly candles with uneven decimals, the last one still forming. With trades and taker
// volumes for Binance; the other venues report neither (trades = -1, taker volumes 0).
inline std::vector<Candle> wireCandles(bool withTradesAndTaker) {
    std::vector<Candle> out;
    Decimal price = *Decimal::parse("42000.5");
    for (int i = 0; i < 5; ++i) {
        Candle c;
        c.openTime = kWireStart + i * kHourMs;
        c.open = price;
        c.high = price + *Decimal::parse("120.25");
        c.low = price - *Decimal::parse("0.00000001");
        c.close = price + *Decimal::parse("3.125");
        c.volume = *Decimal::parse("12.34567891");
        c.quoteVolume = *Decimal::parse("518765.4321");
        c.trades = withTradesAndTaker ? 1000 + i : -1;
        if (withTradesAndTaker) {
            c.takerBuyBase = *Decimal::parse("6.5");
            c.takerBuyQuote = *Decimal::parse("273003.25");
        }
        c.closed = i < 4;
        out.push_back(c);
        price = c.close;
    }
    return out;
}

// Inside the fifth hour of wireCandles().
inline constexpr std::int64_t kWireNow = kWireStart + 4 * kHourMs + 17 * kMinuteMs;

inline void expectSameCandles(const std::vector<Candle>& got, const std::vector<Candle>& want, const char* venue) {
    ASSERT_EQ(got.size(), want.size()) << venue;
    for (std::size_t i = 0; i < want.size(); ++i) EXPECT_EQ(got[i], want[i]) << venue << " row " << i;
}

}  // namespace cpc::test
