// The core's English messages in the interface language (cpc/app/core_text.hpp) and the indicator
// registry's texts (cpc/app/indicator_texts.hpp).
#include <gtest/gtest.h>

#include <QSet>
#include <QTranslator>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/detached.hpp>

#include "cpc/app/core_text.hpp"
#include "cpc/app/indicator_texts.hpp"
#include "cpc/app/language.hpp"
#include "cpc/core/time.hpp"
#include "cpc/exchange/registry.hpp"
#include "cpc/indicators/registry.hpp"
#include "cpc/net/http_client.hpp"
#include "cpc/net/url.hpp"

using namespace cpc;
using namespace cpc::app;

namespace {

class CoreText : public ::testing::Test {
protected:
    void TearDown() override { EXPECT_EQ(applyLanguage(QStringLiteral("en")), QString()); }
};

// What the core says when a connection is refused: a real GET to a port nobody listens on.
std::string refusedGetMessage() {
    unsigned short port = 0;
    {
        boost::asio::io_context probe;
        boost::asio::ip::tcp::acceptor acceptor(probe, {boost::asio::ip::make_address("127.0.0.1"), 0});
        port = acceptor.local_endpoint().port();
    }  // closed again: nothing listens there now
    boost::asio::io_context io;
    net::HttpClient client(io, nullptr, std::chrono::seconds(5));
    auto base = net::Url::parse("http://127.0.0.1:" + std::to_string(port));
    EXPECT_TRUE(base.ok());
    std::string message;
    boost::asio::co_spawn(
        io,
        [&]() -> boost::asio::awaitable<void> {
            auto result = co_await client.get(*base, "/api/v3/time");
            message = result.ok() ? std::string("unexpectedly answered") : result.error().message;
        },
        boost::asio::detached);
    io.run();
    return message;
}

// A translator of the Portuguese file alone: it answers "" for a text it has no translation of,
// which QCoreApplication::translate would hide by giving back the English.
std::unique_ptr<QTranslator> portugueseTranslator() {
    auto translator = std::make_unique<QTranslator>();
    EXPECT_TRUE(translator->load(QStringLiteral("canvasprochart_pt_BR"), QStringLiteral(":/i18n")));
    return translator;
}

}  // namespace

TEST_F(CoreText, EnglishGivesBackTheCoresTextUnchanged) {
    ASSERT_EQ(applyLanguage("en"), QString());
    const std::string refused = refusedGetMessage();
    ASSERT_NE(refused.find("cannot connect to 127.0.0.1:"), std::string::npos) << refused;
    auto binance = exchange::makeAdapter("binance", {});
    ASSERT_TRUE(binance.ok());
    const auto badSymbol = (*binance)->checkSymbol("BTC USDT");
    ASSERT_TRUE(badSymbol.has_value());
    for (const std::string& text :
         {refused, badSymbol->message, std::string("connection 2: reconnecting to stream.binance.com"),
          std::string("history: GET api.binance.com/api/v3/klines?symbol=BTCUSDT timed out after 15000 ms"),
          std::string("the exchange banned this IP for too many requests (HTTP 418) until ") + formatUtc(86'400'000) +
              " UTC; no request is sent before then",
          std::string("a venue's own words that no phrase knows: {\"code\":-1121,\"msg\":\"Invalid symbol.\"}")})
        EXPECT_EQ(coreText(text).toStdString(), text);
}

TEST_F(CoreText, BrazilianPortugueseTranslatesEachPhraseAndKeepsWhatItCarries) {
    const std::string refused = refusedGetMessage();
    auto binance = exchange::makeAdapter("binance", {});
    ASSERT_TRUE(binance.ok());
    const std::string badSymbol = (*binance)->checkSymbol("BTC USDT")->message;
    ASSERT_EQ(applyLanguage("pt_BR"), QString());

    const QString connect = coreText(refused);
    EXPECT_TRUE(connect.contains("não foi possível conectar a 127.0.0.1:")) << connect.toStdString();
    EXPECT_TRUE(connect.contains("conexão recusada")) << connect.toStdString();
    EXPECT_FALSE(connect.contains("cannot connect")) << connect.toStdString();

    const QString symbol = coreText(badSymbol);
    EXPECT_EQ(symbol, "'BTC USDT' não é um símbolo da binance: contém o byte 0x20 (um espaço); aceito: de 1 a 32 "
                      "letras ASCII, dígitos, '-', '_', '.' (ex.: BTCUSDT)")
        << symbol.toStdString();

    EXPECT_EQ(coreText("connection 2: reconnecting to stream.binance.com"), "conexão 2: reconectando a stream.binance.com");
    EXPECT_EQ(coreText("history: GET api.binance.com/api/v3/klines?symbol=BTCUSDT timed out after 15000 ms"),
              "histórico: GET api.binance.com/api/v3/klines?symbol=BTCUSDT: tempo esgotado após 15000 ms");
    EXPECT_EQ(coreText("no data for 30000 ms"), "sem dados há 30000 ms");
    const std::string until = formatUtc(86'400'000);
    EXPECT_EQ(coreText("the exchange banned this IP for too many requests (HTTP 418) until " + until +
                       " UTC; no request is sent before then"),
              QString("a corretora bloqueou este IP por excesso de requisições (HTTP 418) até %1 UTC; nenhuma "
                      "requisição é enviada antes disso")
                  .arg(QString::fromStdString(until)));
    // A group's own text is never read as a marker of the translation.
    EXPECT_EQ(coreText("reconnecting to h%2x"), "reconectando a h%2x");
    // Words no phrase knows stay as they came, around the translated ones.
    EXPECT_EQ(coreText("depth snapshot: HTTP 503 {\"msg\":\"busy\"}"), "snapshot do livro de ofertas: HTTP 503 {\"msg\":\"busy\"}");
}

TEST_F(CoreText, EveryPhraseHasABrazilianPortugueseTranslation) {
    const auto translator = portugueseTranslator();
    ASSERT_GT(coreTextPhraseCount(), 40);
    for (int i = 0; i < coreTextPhraseCount(); ++i) {
        const QString source = coreTextPhraseSource(i);
        const QString translated = translator->translate("CoreText", source.toUtf8().constData());
        EXPECT_FALSE(translated.isEmpty()) << "no pt_BR text for \"" << source.toStdString() << '"';
        EXPECT_EQ(translated.count(QLatin1Char('%')), source.count(QLatin1Char('%'))) << source.toStdString();
    }
}

TEST_F(CoreText, TheIndicatorTextsAreTheRegistrysAndAllAreTranslated) {
    QSet<QString> titles, parameters, groups;
    for (const indicators::IndicatorInfo* info : indicators::allIndicators()) {
        titles << QString::fromStdString(info->title);
        groups << QString::fromStdString(std::string(indicators::toString(info->group)));
        for (const auto& p : info->params) parameters << QString::fromStdString(p.description);
    }
    const auto asSet = [](const QStringList& list) { return QSet<QString>(list.begin(), list.end()); };
    // Equal both ways: a new indicator, or a renamed one, needs its line in indicator_texts.cpp.
    EXPECT_EQ(asSet(indicatorTextSources("IndicatorTitle")), titles);
    EXPECT_EQ(asSet(indicatorTextSources("IndicatorParameter")), parameters);
    EXPECT_TRUE(asSet(indicatorTextSources("IndicatorGroup")).contains(groups));

    const auto translator = portugueseTranslator();
    for (const char* context : {"IndicatorTitle", "IndicatorParameter", "IndicatorGroup"})
        for (const QString& source : indicatorTextSources(context))
            EXPECT_FALSE(translator->translate(context, source.toUtf8().constData()).isEmpty())
                << context << ": no pt_BR text for \"" << source.toStdString() << '"';

    ASSERT_EQ(applyLanguage("pt_BR"), QString());
    EXPECT_EQ(indicatorTitle(*indicators::findIndicator("RSI")), "Índice de Força Relativa");
    EXPECT_EQ(indicatorGroupName(indicators::IndicatorGroup::Momentum), "Indicadores de momento");
}
