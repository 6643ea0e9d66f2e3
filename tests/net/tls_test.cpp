// TLS verification is really on: a client that does not trust the certificate, or that reaches
// the server under a name the certificate does not carry, must fail the handshake.
#include "cpc/net/http_client.hpp"
#include "cpc/net/tls.hpp"
#include "cpc/net/ws_client.hpp"

#include <gtest/gtest.h>

#include "net_test_util.hpp"

using cpc::net::HttpClient;
using cpc::net::IoThread;
using cpc::net::makeClientTlsContext;
using cpc::net::TlsOptions;
using cpc::net::Url;
using cpc::net::WsClient;
using cpc::test::runSync;
using cpc::test::SimEnv;

namespace {
bool mentionsVerification(const std::string& message) {
    return message.find("certificate verify failed") != std::string::npos;
}
}  // namespace

TEST(Tls, ClientWithoutTheExtraCaRejectsASelfSignedServer) {
    SimEnv env(true);
    auto systemOnly = makeClientTlsContext(TlsOptions{});
    ASSERT_TRUE(systemOnly) << systemOnly.error().message;
    IoThread io;
    WsClient ws(io.context(), *systemOnly);
    auto c = runSync(io, ws.connect(*Url::parse(env.server->streamBase() + "/ws/btcusdt@kline_1m")));
    ASSERT_FALSE(c);
    EXPECT_TRUE(mentionsVerification(c.error().message)) << c.error().message;
    // Why, from OpenSSL's verify result, and marked as a certificate failure (not retried).
    EXPECT_NE(c.error().message.find("the certificate's issuer is not trusted"), std::string::npos) << c.error().message;
    EXPECT_NE(c.error().message.find("OpenSSL verify error 18"), std::string::npos) << c.error().message;
    EXPECT_EQ(c.error().code, cpc::net::kCertificateRejected);
    HttpClient http(io.context(), *systemOnly);
    auto r = runSync(io, http.get(*Url::parse(env.server->restBase()), "/api/v3/ping"));
    ASSERT_FALSE(r);
    EXPECT_TRUE(mentionsVerification(r.error().message)) << r.error().message;
    EXPECT_NE(r.error().message.find("the certificate's issuer is not trusted"), std::string::npos) << r.error().message;
    EXPECT_EQ(r.error().code, cpc::net::kCertificateRejected);
    EXPECT_EQ(env.server->stats().restRequests, 0u);
}

TEST(Tls, HostNameMismatchIsRejected) {
    // The certificate names 127.0.0.1 and localhost; the server listens on 127.0.0.2, also
    // loopback on Linux, so the client reaches it under a name the certificate does not carry.
    cpc::test::TestCertificate cert;
    cpc::sim::SimConfig config;
    config.bindAddress = "127.0.0.2";
    config.tls = true;
    config.certFile = cert.certFile;
    config.keyFile = cert.keyFile;
    cpc::sim::SimServer server(config);
    auto started = server.start();
    if (!started) GTEST_SKIP() << "127.0.0.2 is not usable here: " << started.error().message;
    auto ctx = makeClientTlsContext(TlsOptions{cert.certFile});
    ASSERT_TRUE(ctx);
    IoThread io;
    HttpClient http(io.context(), *ctx);
    auto r = runSync(io, http.get(*Url::parse(server.restBase()), "/api/v3/ping"));
    ASSERT_FALSE(r);
    EXPECT_TRUE(mentionsVerification(r.error().message)) << r.error().message;
    WsClient ws(io.context(), *ctx);
    auto c = runSync(io, ws.connect(*Url::parse(server.streamBase() + "/ws")));
    ASSERT_FALSE(c);
    EXPECT_TRUE(mentionsVerification(c.error().message)) << c.error().message;
    EXPECT_NE(c.error().message.find("the certificate is not for 127.0.0.2"), std::string::npos) << c.error().message;
    EXPECT_NE(r.error().message.find("the certificate is not for 127.0.0.2"), std::string::npos) << r.error().message;
    EXPECT_EQ(c.error().code, cpc::net::kCertificateRejected);
}

TEST(Tls, AnExpiredCertificateIsRejectedSayingSo) {
    cpc::test::TestCertificate cert(cpc::test::TestCertificate::Validity::Expired);
    cpc::sim::SimConfig config;
    config.tls = true;
    config.certFile = cert.certFile;
    config.keyFile = cert.keyFile;
    cpc::sim::SimServer server(config);
    ASSERT_TRUE(server.start());
    auto ctx = makeClientTlsContext(TlsOptions{cert.certFile});  // trusted, but out of date
    ASSERT_TRUE(ctx);
    IoThread io;
    HttpClient http(io.context(), *ctx);
    auto r = runSync(io, http.get(*Url::parse(server.restBase()), "/api/v3/ping"));
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("the certificate has expired"), std::string::npos) << r.error().message;
    EXPECT_EQ(r.error().code, cpc::net::kCertificateRejected);
    WsClient ws(io.context(), *ctx);
    auto c = runSync(io, ws.connect(*Url::parse(server.streamBase() + "/ws")));
    ASSERT_FALSE(c);
    EXPECT_NE(c.error().message.find("the certificate has expired"), std::string::npos) << c.error().message;
    EXPECT_EQ(server.stats().restRequests, 0u);
}

TEST(Tls, TheSameClientContextAcceptsTheRightHost) {
    SimEnv env(true);  // control for the two tests above: trusted CA, matching name
    IoThread io;
    HttpClient http(io.context(), env.clientTls);
    auto r = runSync(io, http.get(*Url::parse(env.server->restBase()), "/api/v3/ping"));
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->status, 200);
}

TEST(Tls, UnreadableCaFileIsAClearError) {
    auto ctx = makeClientTlsContext(TlsOptions{"/nonexistent/ca.pem"});
    ASSERT_FALSE(ctx);
    EXPECT_NE(ctx.error().message.find("/nonexistent/ca.pem"), std::string::npos) << ctx.error().message;
}

TEST(Tls, ServerContextNeedsReadableCertAndKey) {
    auto missing = cpc::net::makeServerTlsContext("/nonexistent/cert.pem", "/nonexistent/key.pem");
    ASSERT_FALSE(missing);
    EXPECT_NE(missing.error().message.find("/nonexistent/cert.pem"), std::string::npos);
    cpc::test::TestCertificate a, b;
    auto mismatched = cpc::net::makeServerTlsContext(a.certFile, b.keyFile);
    ASSERT_FALSE(mismatched);
    EXPECT_NE(mismatched.error().message.find("does not match"), std::string::npos) << mismatched.error().message;
}

TEST(Tls, RecognisesIpLiterals) {
    EXPECT_TRUE(cpc::net::isIpLiteral("127.0.0.1"));
    EXPECT_TRUE(cpc::net::isIpLiteral("::1"));
    EXPECT_FALSE(cpc::net::isIpLiteral("localhost"));
    EXPECT_FALSE(cpc::net::isIpLiteral("stream.binance.com"));
}
