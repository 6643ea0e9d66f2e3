#include "cpc/net/url.hpp"

#include <gtest/gtest.h>

using cpc::net::isLoopbackHost;
using cpc::net::Url;

TEST(Url, ParsesSecureWebSocketWithPortAndTarget) {
    auto url = Url::parse("wss://stream.binance.com:9443/stream?streams=btcusdt@kline_1m");
    ASSERT_TRUE(url) << url.error().message;
    EXPECT_EQ(url->scheme, "wss");
    EXPECT_EQ(url->host, "stream.binance.com");
    EXPECT_EQ(url->port, "9443");
    EXPECT_EQ(url->target, "/stream?streams=btcusdt@kline_1m");
    EXPECT_TRUE(url->secure());
    EXPECT_TRUE(url->websocket());
    EXPECT_EQ(url->hostHeader(), "stream.binance.com:9443");
}

TEST(Url, DefaultsPortFromSchemeAndTargetToSlash) {
    auto https = Url::parse("https://api.binance.com");
    ASSERT_TRUE(https);
    EXPECT_EQ(https->port, "443");
    EXPECT_EQ(https->target, "/");
    EXPECT_EQ(https->hostHeader(), "api.binance.com");  // default port not repeated
    EXPECT_EQ(https->toString(), "https://api.binance.com/");
    auto ws = Url::parse("ws://127.0.0.1/ws");
    ASSERT_TRUE(ws);
    EXPECT_EQ(ws->port, "80");
    auto query = Url::parse("http://localhost:8080?x=1");
    ASSERT_TRUE(query);
    EXPECT_EQ(query->target, "/?x=1");
}

TEST(Url, SchemeAndHostAreCaseInsensitive) {
    auto url = Url::parse("WSS://Stream.Binance.COM/ws");
    ASSERT_TRUE(url);
    EXPECT_EQ(url->scheme, "wss");
    EXPECT_EQ(url->host, "stream.binance.com");
}

TEST(Url, AcceptsPlainSchemesOnlyForLoopback) {
    EXPECT_TRUE(Url::parse("ws://127.0.0.1:9000/ws/btcusdt@kline_1m"));
    EXPECT_TRUE(Url::parse("http://localhost:8080/api/v3/ping"));
    EXPECT_TRUE(Url::parse("http://[::1]:8080/"));
    auto ws = Url::parse("ws://stream.binance.com:9443/ws");
    ASSERT_FALSE(ws);
    EXPECT_NE(ws.error().message.find("loopback"), std::string::npos) << ws.error().message;
    EXPECT_NE(ws.error().message.find("wss://"), std::string::npos) << ws.error().message;
    auto http = Url::parse("http://10.0.0.5/api");
    ASSERT_FALSE(http);
    EXPECT_NE(http.error().message.find("https://"), std::string::npos) << http.error().message;
}

TEST(Url, ParsesBracketedIpv6) {
    auto url = Url::parse("https://[::1]:8443/api");
    ASSERT_TRUE(url) << url.error().message;
    EXPECT_EQ(url->host, "::1");
    EXPECT_EQ(url->port, "8443");
    EXPECT_EQ(url->hostHeader(), "[::1]:8443");
}

TEST(Url, RejectsMalformedInputWithAClearMessage) {
    const auto fails = [](const char* text, const char* expected) {
        auto url = Url::parse(text);
        ASSERT_FALSE(url) << text;
        EXPECT_NE(url.error().message.find(expected), std::string::npos) << url.error().message;
    };
    fails("stream.binance.com/ws", "no scheme");
    fails("ftp://example.com/", "unsupported scheme");
    fails("wss://:9443/ws", "no host");
    fails("wss://host:0/", "port");
    fails("wss://host:70000/", "port");
    fails("wss://host:12ab/", "port");
    fails("wss://host:/", "empty port");
    fails("wss://user@host/", "user information");
    fails("wss://[::1/", "unterminated");
    fails("wss://ho st/", "illegal character");
}

TEST(Url, RecognisesLoopbackHosts) {
    EXPECT_TRUE(isLoopbackHost("127.0.0.1"));
    EXPECT_TRUE(isLoopbackHost("127.1.2.3"));
    EXPECT_TRUE(isLoopbackHost("localhost"));
    EXPECT_TRUE(isLoopbackHost("LOCALHOST"));
    EXPECT_TRUE(isLoopbackHost("::1"));
    EXPECT_FALSE(isLoopbackHost("128.0.0.1"));
    EXPECT_FALSE(isLoopbackHost("10.0.0.1"));
    EXPECT_FALSE(isLoopbackHost("127.0.0.256"));
    EXPECT_FALSE(isLoopbackHost("127.0.0"));
    EXPECT_FALSE(isLoopbackHost("localhost.example.com"));
    EXPECT_FALSE(isLoopbackHost("api.binance.com"));
}
