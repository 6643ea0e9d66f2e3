#include <gtest/gtest.h>

#include <string>

#include "cpc/core/ascii.hpp"

using namespace cpc;

TEST(Ascii, OnlyLettersAToZChangeCase) {
    for (int i = 0; i < 256; ++i) {
        const char c = static_cast<char>(i);
        const char upper = i >= 'a' && i <= 'z' ? static_cast<char>(i - 32) : c;
        const char lower = i >= 'A' && i <= 'Z' ? static_cast<char>(i + 32) : c;
        EXPECT_EQ(toUpperAscii(c), upper) << "byte " << i;
        EXPECT_EQ(toLowerAscii(c), lower) << "byte " << i;
    }
}

TEST(Ascii, StringsKeepEveryOtherByte) {
    EXPECT_EQ(toUpperAscii("btcusdt@kline_1m"), "BTCUSDT@KLINE_1M");
    EXPECT_EQ(toLowerAscii("X-MBX-USED-WEIGHT-1M"), "x-mbx-used-weight-1m");
    EXPECT_EQ(toUpperAscii(""), "");
    // UTF-8 "Straße Ÿé": the multi-byte sequences are left as they are.
    const std::string utf8 = "Stra\xc3\x9f" "e \xc5\xb8\xc3\xa9";
    EXPECT_EQ(toUpperAscii(utf8), "STRA\xc3\x9f" "E \xc5\xb8\xc3\xa9");
    EXPECT_EQ(toLowerAscii(utf8), "stra\xc3\x9f" "e \xc5\xb8\xc3\xa9");
    static_assert(toUpperAscii('q') == 'Q' && toLowerAscii('Q') == 'q' && toUpperAscii('1') == '1');
}

TEST(Ascii, EqualsIgnoringCase) {
    EXPECT_TRUE(equalsIgnoreCaseAscii("KuCoin", "kucoin"));
    EXPECT_TRUE(equalsIgnoreCaseAscii("", ""));
    EXPECT_FALSE(equalsIgnoreCaseAscii("kucoin", "kucoins"));
    EXPECT_FALSE(equalsIgnoreCaseAscii("okx", "oks"));
    // '@' (0x40) and '`' (0x60) differ from letters by the case bit only: not the same character.
    EXPECT_FALSE(equalsIgnoreCaseAscii("@", "`"));
    EXPECT_FALSE(equalsIgnoreCaseAscii("[", "{"));
    EXPECT_FALSE(equalsIgnoreCaseAscii("\xc3\xa9", "\xc3\x89"));  // é and É: not ASCII
    static_assert(equalsIgnoreCaseAscii("Binance", "BINANCE"));
}
