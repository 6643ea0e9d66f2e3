#pragma once
// Every codec's public parsers run their body through guardedParse: a payload whose field has an
// unexpected JSON type (a trade's "m" as a string, a kline's "s" as a number) makes nlohmann's
// get/value throw deep inside the decoding; that is bad input, so it becomes an Error naming what
// was parsed, never an exception out of the codec (which would end a stream's reader).
#include <exception>
#include <string>
#include <string_view>

#include "cpc/core/result.hpp"

namespace cpc::exchange::venue {

template <class Parse>
auto guardedParse(std::string_view what, Parse&& parse) -> decltype(parse()) {
    try {
        return parse();
    } catch (const std::exception& e) {
        return makeError(std::string(what) + ": a field has an unexpected type or value (" + e.what() + ")");
    }
}

}  // namespace cpc::exchange::venue
