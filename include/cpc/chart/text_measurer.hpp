#pragma once
// Text metrics injected into the Qt-free layout and views. The Qt side implements it with
// QFontMetricsF; tests use a fixed-pitch fake. All values are logical pixels.
#include <string_view>

namespace cpc::chart {

enum class FontRole : unsigned char { Regular, Bold };

class TextMeasurer {
public:
    virtual ~TextMeasurer() = default;
    virtual double textWidth(std::string_view text, FontRole role = FontRole::Regular) const = 0;
    virtual double lineHeight() const = 0;
};

// Every character has the same advance. The model's fallback before a real measurer is injected,
// and a deterministic measurer for tests.
class FixedPitchTextMeasurer final : public TextMeasurer {
public:
    explicit FixedPitchTextMeasurer(double charWidth = 7.0, double lineHeight = 14.0,
                                    double boldExtra = 0.5)
        : m_charWidth(charWidth), m_lineHeight(lineHeight), m_boldExtra(boldExtra) {}

    double textWidth(std::string_view text, FontRole role = FontRole::Regular) const override {
        // Count code points, not bytes, so "·" or "…" is one character wide.
        double n = 0;
        for (const char c : text)
            if ((static_cast<unsigned char>(c) & 0xC0U) != 0x80U) n += 1;
        return n * (m_charWidth + (role == FontRole::Bold ? m_boldExtra : 0.0));
    }
    double lineHeight() const override { return m_lineHeight; }

private:
    double m_charWidth;
    double m_lineHeight;
    double m_boldExtra;
};

}  // namespace cpc::chart
