// The shape comparison of wire_test_util.hpp finds what it must: otherwise the wire tests could
// not fail.
#include <gtest/gtest.h>

#include "wire_test_util.hpp"

using cpc::test::shapeDifferences;

TEST(WireShape, SameShapeWithOtherValues) {
    EXPECT_TRUE(shapeDifferences(R"({"a":"1.5","b":[["1","2"],["3","4"]],"t":1704067200000,"x":true})",
                                 R"({"x":false,"t":1589968800123,"a":"x","b":[["5","6"]]})")
                    .empty());
    EXPECT_TRUE(shapeDifferences(R"({"b":[]})", R"({"b":[["5","6"]]})").empty());  // empty: not looked into
}

TEST(WireShape, FindsRenamedFieldsOtherTypesTupleLengthsAndUnits) {
    // A renamed field is one missing and one extra.
    EXPECT_EQ(shapeDifferences(R"({"open":"1"})", R"({"o":"1"})").size(), 2u);
    // A number sent as a string, a flag sent as "1".
    EXPECT_EQ(shapeDifferences(R"({"t":"1704067200000"})", R"({"t":1704067200000})").size(), 1u);
    EXPECT_EQ(shapeDifferences(R"({"x":"1"})", R"({"x":true})").size(), 1u);
    // A candle row with a field too few, inside a list of rows.
    EXPECT_EQ(shapeDifferences(R"({"data":[["1","2","3"],["1","2"]]})", R"({"data":[["9","8","7"]]})").size(), 1u);
    // Milliseconds where the venue sends seconds, as a string or as a number.
    EXPECT_EQ(shapeDifferences(R"(["1704067200000"])", R"(["1545904980"])").size(), 1u);
    EXPECT_EQ(shapeDifferences(R"({"time":1704067200000})", R"({"time":1589970010253893337})").size(), 1u);
    // Nested objects are compared too.
    EXPECT_EQ(shapeDifferences(R"({"k":{"x":true}})", R"({"k":{"x":true,"q":"1"}})").size(), 1u);
}
