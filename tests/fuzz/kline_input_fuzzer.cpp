// `cpc aggregate` / `cpc indicator` / `cpc export` input (cli::readKlines): JSON REST rows and
// data.binance.vision CSV, detected and forced. What must hold: no crash or sanitizer report, a
// refusal has a message, and every row accepted is a sound candle (market::validateCandle) with a
// line number inside the input.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string_view>

#include "cpc/market/validation.hpp"
#include "kline_io.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    std::size_t lines = 1;
    for (const char c : text) lines += c == '\n';
    for (const auto format : {std::optional<cpc::cli::KlineFormat>{}, std::optional{cpc::cli::KlineFormat::Json},
                              std::optional{cpc::cli::KlineFormat::Csv}}) {
        const auto input = cpc::cli::readKlines(text, format, "fuzz.input");
        if (!input) {
            if (input.error().message.empty()) std::abort();
            continue;
        }
        for (const auto& row : input->rows) {
            if (cpc::market::validateCandle(row.candle)) std::abort();
            if (row.line < 1 || row.line > lines) std::abort();
        }
    }
    return 0;
}
