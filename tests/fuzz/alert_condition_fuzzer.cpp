// The alert condition text (alerts::parseCondition), typed by the user in `cpc alerts add` and the
// alert dialog, and read back from the alert database. What must hold: no crash or sanitizer
// report, a refusal has a message, and an accepted condition's canonical text reads back to the
// same condition and the same text (condition.hpp: parseCondition(text()) == *this).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "cpc/alerts/condition.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto condition = cpc::alerts::parseCondition(text);
    if (!condition) {
        if (condition.error().message.empty()) std::abort();
        return 0;
    }
    const std::string canonical = condition->text();
    const auto again = cpc::alerts::parseCondition(canonical);
    if (!again || !(*again == *condition) || again->text() != canonical) std::abort();
    return 0;
}
