#pragma once
#include <string_view>

#include "cpc/chart/text_measurer.hpp"

namespace cpc::chart::testing {

// 6 px per character (7 in bold), 12 px lines: widths tests can compute by hand.
class FakeTextMeasurer final : public TextMeasurer {
public:
    double textWidth(std::string_view text, FontRole role = FontRole::Regular) const override {
        double n = 0;
        for (const char c : text)
            if ((static_cast<unsigned char>(c) & 0xC0U) != 0x80U) n += 1;
        return n * (role == FontRole::Bold ? 7.0 : 6.0);
    }
    double lineHeight() const override { return 12.0; }
};

}  // namespace cpc::chart::testing
