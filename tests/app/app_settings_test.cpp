// AppSettings round trip, drawings per symbol, bad values, and the settings dialog's validation.
#include <gtest/gtest.h>

#include <QComboBox>
#include <QFile>
#include <QLineEdit>
#include <QSpinBox>
#include <QTemporaryDir>

#include "cpc/app/app_settings.hpp"
#include "cpc/app/settings_dialog.hpp"
#include "cpc/exchange/registry.hpp"

using namespace cpc;
using namespace cpc::app;

TEST(AppSettings, EveryValueRoundTripsThroughTheFile) {
    QTemporaryDir dir;
    const QString ini = dir.filePath("s.ini");
    const std::vector<chart::Drawing> btc{
        chart::Drawing{1, chart::DrawingKind::Fibonacci, {1705276800000, 42000.5}, {1705280400000, 43000.25}},
        chart::Drawing{2, chart::DrawingKind::HorizontalLine, {1705276800000, 41999.99}, {0, 0}}};
    {
        AppSettings s(ini);
        s.setLastSymbol("ETHUSDT");
        s.setLastInterval(Interval::H4);
        s.setChartType(chart::ChartType::HeikinAshi);
        s.setPriceScaleMode(chart::PriceScaleMode::Logarithmic);
        s.setVolumeVisible(false);
        s.setTheme("light");
        s.setTimeZone("Europe/Berlin");
        s.setWindowGeometry(QByteArray("geometry-bytes\x01\x02", 16));
        s.setWindowState(QByteArray("state"));
        s.setDrawings("BTCUSDT", btc);
        s.setEndpointPreset(EndpointPreset::Custom);
        s.setCustomEndpoints({"https://example.test", "wss://example.test:9443"});
        s.setExtraCaFile("/etc/ssl/extra.pem");
        s.setCacheDirectory("/tmp/cpc-cache");
        s.setMemoryBudgetMb(2048);
        s.sync();
    }
    const AppSettings s(ini);
    EXPECT_EQ(s.lastSymbol(), "ETHUSDT");
    EXPECT_EQ(s.lastInterval(), Interval::H4);
    EXPECT_EQ(s.chartType(), chart::ChartType::HeikinAshi);
    EXPECT_EQ(s.priceScaleMode(), chart::PriceScaleMode::Logarithmic);
    EXPECT_FALSE(s.volumeVisible());
    EXPECT_EQ(s.theme(), "light");
    EXPECT_EQ(s.timeZone(), "Europe/Berlin");
    EXPECT_EQ(s.windowGeometry(), QByteArray("geometry-bytes\x01\x02", 16));
    EXPECT_EQ(s.windowState(), QByteArray("state"));
    const auto drawings = s.drawings("BTCUSDT");
    ASSERT_EQ(drawings.size(), 2U);
    EXPECT_EQ(drawings[0].kind, chart::DrawingKind::Fibonacci);
    EXPECT_EQ(drawings[0].a, btc[0].a);
    EXPECT_EQ(drawings[0].b, btc[0].b);
    EXPECT_EQ(drawings[1].a, btc[1].a);
    EXPECT_TRUE(s.drawings("ETHUSDT").empty()) << "drawings leaked to another symbol";
    EXPECT_EQ(s.endpointPreset(), EndpointPreset::Custom);
    EXPECT_EQ(s.effectiveEndpoints().rest, "https://example.test");
    EXPECT_EQ(s.effectiveEndpoints().stream, "wss://example.test:9443");
    EXPECT_EQ(s.extraCaFile(), "/etc/ssl/extra.pem");
    EXPECT_EQ(s.cacheDirectory(), "/tmp/cpc-cache");
    EXPECT_EQ(s.memoryBudgetMb(), 2048);
}

TEST(AppSettings, DrawingsAndIndicatorsBelongToThePairInEveryVenuesSpelling) {
    QTemporaryDir dir;
    const QString ini = dir.filePath("pairs.ini");
    const std::vector<chart::Drawing> line{
        chart::Drawing{1, chart::DrawingKind::HorizontalLine, {1705276800000, 42000.5}, {0, 0}}};
    const std::vector<chart::Drawing> legacyEth{
        chart::Drawing{1, chart::DrawingKind::TrendLine, {1705276800000, 2500}, {1705280400000, 2600}}};
    {
        // A file written before the pair keys: drawings under the venue symbol.
        QSettings raw(ini, QSettings::IniFormat);
        raw.setValue("drawings/ETHUSDT", QString::fromStdString(chart::serializeDrawings(legacyEth)));
        raw.setValue("drawings/SOLUSDT", QString::fromStdString(chart::serializeDrawings(legacyEth)));
        raw.setValue("drawings/SOL-USDT", QString::fromStdString(chart::serializeDrawings(line)));
    }
    AppSettings s(ini);
    EXPECT_EQ(AppSettings::pairKey("btcusdt"), "BTC-USDT");
    EXPECT_EQ(AppSettings::pairKey("BTC-USDT"), "BTC-USDT");
    EXPECT_EQ(AppSettings::pairKey("ETHBTC"), "ETH-BTC");
    EXPECT_EQ(AppSettings::pairKey("XYZ"), "XYZ");

    s.setDrawings("BTCUSDT", line);  // drawn on Binance
    ASSERT_EQ(s.drawings("BTC-USDT").size(), 1U) << "OKX's spelling of the same pair";
    EXPECT_EQ(s.drawings("BTC-USDT")[0].a, line[0].a);
    EXPECT_TRUE(s.drawings("BTCUSDC").empty()) << "another pair";
    IndicatorSpec rsi;
    rsi.name = "RSI";
    rsi.params = {14};
    s.setIndicators("BTC-USDT", {rsi});
    ASSERT_EQ(s.indicators("BTCUSDT").size(), 1U);
    EXPECT_EQ(s.indicators("BTCUSDT")[0].name, "RSI");

    // The old entry is read under either spelling until the next save moves it to the pair.
    ASSERT_EQ(s.drawings("ETHUSDT").size(), 1U);
    EXPECT_EQ(s.drawings("ETHUSDT")[0].kind, chart::DrawingKind::TrendLine);
    EXPECT_TRUE(s.drawings("ETH-USDT").empty()) << "the old key was ETHUSDT's";
    auto moved = s.drawings("ETHUSDT");
    moved.push_back(line[0]);
    s.setDrawings("ETHUSDT", moved);
    EXPECT_EQ(s.drawings("ETH-USDT").size(), 2U);
    {
        QSettings raw(ini, QSettings::IniFormat);
        s.sync();
        EXPECT_FALSE(raw.contains("drawings/ETHUSDT")) << "moved, not copied";
        EXPECT_TRUE(raw.contains("drawings/ETH-USDT"));
    }
    // Clearing a pair that also has another spelling's old entry does not bring that one back, and
    // does not delete it either.
    ASSERT_EQ(s.drawings("SOLUSDT").size(), 1U);
    EXPECT_EQ(s.drawings("SOLUSDT")[0].kind, chart::DrawingKind::HorizontalLine) << "the pair's own entry wins";
    s.setDrawings("SOLUSDT", {});
    EXPECT_TRUE(s.drawings("SOLUSDT").empty());
    EXPECT_TRUE(s.drawings("SOL-USDT").empty());
    s.sync();
    EXPECT_TRUE(QSettings(ini, QSettings::IniFormat).contains("drawings/SOLUSDT"));
}

TEST(AppSettings, DefaultsAndBadValuesFallBack) {
    QTemporaryDir dir;
    const QString ini = dir.filePath("bad.ini");
    {
        QFile f(ini);
        ASSERT_TRUE(f.open(QIODevice::WriteOnly));
        f.write("[chart]\nlastInterval=2d\ntype=renko\npriceScale=cubic\n[view]\ntheme=pink\n"
                "[exchange]\npreset=moon\n[cache]\nmemoryBudgetMb=lots\n");
    }
    const AppSettings s(ini);
    EXPECT_EQ(s.lastInterval(), Interval::M1);
    EXPECT_EQ(s.chartType(), chart::ChartType::Candles);
    EXPECT_EQ(s.priceScaleMode(), chart::PriceScaleMode::Linear);
    EXPECT_EQ(s.theme(), "dark");
    EXPECT_EQ(s.timeZone(), "UTC");
    EXPECT_EQ(s.endpointPreset(), EndpointPreset::Production);
    EXPECT_EQ(s.effectiveEndpoints().rest, "https://api.binance.com");
    EXPECT_EQ(s.effectiveEndpoints().stream, "wss://stream.binance.com:9443");
    EXPECT_EQ(s.memoryBudgetMb(), 512);
    EXPECT_TRUE(s.volumeVisible());
}

TEST(AppSettings, PresetsNameTheDocumentedHosts) {
    EXPECT_EQ(presetEndpoints(EndpointPreset::MarketData).rest, "https://data-api.binance.vision");
    EXPECT_EQ(presetEndpoints(EndpointPreset::MarketData).stream, "wss://data-stream.binance.vision");
    EXPECT_EQ(presetEndpoints(EndpointPreset::Testnet).rest, "https://testnet.binance.vision");
    for (const auto p : {EndpointPreset::Production, EndpointPreset::MarketData, EndpointPreset::Testnet,
                         EndpointPreset::Custom})
        EXPECT_EQ(parseEndpointPreset(toString(p)), p);
}

TEST(SettingsDialog, RefusesBadInputAndSavesGoodInput) {
    QTemporaryDir dir;
    AppSettings settings(dir.filePath("s.ini"));
    SettingsDialog dialog(settings);
    auto* preset = dialog.findChild<QComboBox*>("endpointPreset");
    auto* rest = dialog.findChild<QLineEdit*>("restUrl");
    auto* stream = dialog.findChild<QLineEdit*>("streamUrl");
    auto* ca = dialog.findChild<QLineEdit*>("caFile");
    auto* zone = dialog.findChild<QComboBox*>("timeZone");
    auto* theme = dialog.findChild<QComboBox*>("theme");
    auto* budget = dialog.findChild<QSpinBox*>("memoryBudget");
    ASSERT_TRUE(preset && rest && stream && ca && zone && theme && budget);
    EXPECT_EQ(budget->value(), 512);  // the default
    EXPECT_EQ(budget->minimum(), 64);

    // Picking a preset shows its URLs, read-only.
    preset->setCurrentIndex(preset->findData("market-data"));
    EXPECT_EQ(rest->text(), "https://data-api.binance.vision");
    EXPECT_TRUE(rest->isReadOnly());

    preset->setCurrentIndex(preset->findData("custom"));
    rest->setText("http://api.example.com");  // plain HTTP to a remote host
    stream->setText("wss://stream.example.com");
    EXPECT_FALSE(dialog.apply());
    EXPECT_TRUE(dialog.errorText().contains("https://")) << dialog.errorText().toStdString();
    rest->setText("http://127.0.0.1:8080");  // loopback may be plain
    ca->setText(dir.filePath("missing.pem"));
    EXPECT_FALSE(dialog.apply());
    EXPECT_TRUE(dialog.errorText().contains("missing.pem"));
    ca->clear();
    zone->setCurrentText("Atlantis/Capital");
    EXPECT_FALSE(dialog.apply());
    EXPECT_TRUE(dialog.errorText().contains("Atlantis"));
    EXPECT_EQ(settings.endpointPreset(), EndpointPreset::Production) << "saved despite errors";

    zone->setCurrentText("America/New_York");
    theme->setCurrentIndex(theme->findData("light"));
    budget->setValue(1536);
    ASSERT_TRUE(dialog.apply()) << dialog.errorText().toStdString();
    EXPECT_EQ(settings.memoryBudgetMb(), 1536);
    EXPECT_EQ(settings.memoryBudgetBytes(), std::size_t{1536} << 20);
    // A reopened dialog shows the saved budget.
    SettingsDialog again(settings);
    EXPECT_EQ(again.findChild<QSpinBox*>("memoryBudget")->value(), 1536);
    EXPECT_EQ(settings.endpointPreset(), EndpointPreset::Custom);
    EXPECT_EQ(settings.effectiveEndpoints().rest, "http://127.0.0.1:8080");
    EXPECT_EQ(settings.effectiveEndpoints().stream, "wss://stream.example.com");
    EXPECT_EQ(settings.timeZone(), "America/New_York");
    EXPECT_EQ(settings.theme(), "light");
}

TEST(AppSettings, TheExchangeAndEachExchangesEndpointsRoundTrip) {
    QTemporaryDir dir;
    const QString ini = dir.filePath("s.ini");
    {
        AppSettings s(ini);
        EXPECT_EQ(s.exchange(), "binance");  // the default
        // Production endpoints of every venue come from the registry.
        EXPECT_EQ(s.effectiveEndpoints("okx").rest, "https://www.okx.com");
        EXPECT_EQ(s.effectiveEndpoints("bybit").rest,
                  QString::fromStdString(exchange::defaultEndpoints("bybit")->restBase));
        s.setExchange("OKX");
        s.setEndpointPreset(EndpointPreset::Custom, "kucoin");
        s.setCustomEndpoints({"http://127.0.0.1:7000", "ws://127.0.0.1:7000"}, "kucoin");
        s.setEndpointPreset(EndpointPreset::Testnet, "binance");
        s.sync();
    }
    AppSettings s(ini);
    EXPECT_EQ(s.exchange(), "okx");
    // The current exchange's endpoints when none is named: OKX production.
    EXPECT_EQ(s.endpointPreset(), EndpointPreset::Production);
    EXPECT_EQ(s.effectiveEndpoints().rest, QString::fromStdString(exchange::defaultEndpoints("okx")->restBase));
    EXPECT_EQ(s.effectiveEndpoints().stream, QString::fromStdString(exchange::defaultEndpoints("okx")->streamBase));
    EXPECT_EQ(s.endpointPreset("kucoin"), EndpointPreset::Custom);
    EXPECT_EQ(s.effectiveEndpoints("kucoin").rest, "http://127.0.0.1:7000");
    EXPECT_EQ(s.effectiveEndpoints("kucoin").stream, "ws://127.0.0.1:7000");
    EXPECT_EQ(s.effectiveEndpoints("binance").rest, "https://testnet.binance.vision");
    EXPECT_EQ(s.effectiveEndpoints("bybit").rest, QString::fromStdString(exchange::defaultEndpoints("bybit")->restBase));

    // Binance keeps its keys from before there were several venues; a hand-edited file with an
    // unknown exchange, or a Binance-only preset on another venue, falls back.
    QSettings raw(ini, QSettings::IniFormat);
    EXPECT_EQ(raw.value("exchange/preset").toString(), "testnet");
    raw.setValue("exchange/name", "mtgox");
    raw.setValue("exchange/okx/preset", "testnet");
    raw.sync();
    const AppSettings edited(ini);
    EXPECT_EQ(edited.exchange(), "binance");
    EXPECT_EQ(edited.endpointPreset("okx"), EndpointPreset::Production);
}

TEST(SettingsDialog, EditsTheEndpointsOfEachExchange) {
    QTemporaryDir dir;
    AppSettings settings(dir.filePath("s.ini"));
    settings.setExchange("bybit");
    SettingsDialog dialog(settings);
    auto* venue = dialog.findChild<QComboBox*>("endpointExchange");
    auto* preset = dialog.findChild<QComboBox*>("endpointPreset");
    auto* rest = dialog.findChild<QLineEdit*>("restUrl");
    auto* stream = dialog.findChild<QLineEdit*>("streamUrl");
    ASSERT_TRUE(venue && preset && rest && stream);
    ASSERT_EQ(venue->count(), 4);
    for (int i = 0; i < venue->count(); ++i)
        EXPECT_EQ(venue->itemData(i).toString().toStdString(), exchange::adapterNames()[static_cast<std::size_t>(i)]);
    // The toolbar's exchange is shown first, with its production hosts and no Binance-only presets.
    EXPECT_EQ(venue->currentData().toString(), "bybit");
    EXPECT_EQ(rest->text(), QString::fromStdString(exchange::defaultEndpoints("bybit")->restBase));
    EXPECT_EQ(preset->findData("testnet"), -1);
    EXPECT_EQ(preset->count(), 2);

    // Custom Bybit endpoints, then OKX: a bad custom URL there is refused and shown.
    preset->setCurrentIndex(preset->findData("custom"));
    rest->setText("http://127.0.0.1:8100");
    stream->setText("ws://127.0.0.1:8100");
    venue->setCurrentIndex(venue->findData("okx"));
    EXPECT_EQ(rest->text(), QString::fromStdString(exchange::defaultEndpoints("okx")->restBase));
    preset->setCurrentIndex(preset->findData("custom"));
    rest->setText("http://okx.example.com");
    stream->setText("wss://ws.okx.example.com");
    EXPECT_FALSE(dialog.apply());
    EXPECT_TRUE(dialog.errorText().contains("OKX REST")) << dialog.errorText().toStdString();
    EXPECT_EQ(settings.endpointPreset("bybit"), EndpointPreset::Production) << "saved despite errors";
    rest->setText("https://okx.example.com");
    // Back on Bybit the edits made there are still shown.
    venue->setCurrentIndex(venue->findData("bybit"));
    EXPECT_EQ(rest->text(), "http://127.0.0.1:8100");
    ASSERT_TRUE(dialog.apply()) << dialog.errorText().toStdString();
    EXPECT_EQ(settings.effectiveEndpoints("bybit").rest, "http://127.0.0.1:8100");
    EXPECT_EQ(settings.effectiveEndpoints("bybit").stream, "ws://127.0.0.1:8100");
    EXPECT_EQ(settings.effectiveEndpoints("okx").rest, "https://okx.example.com");
    EXPECT_EQ(settings.effectiveEndpoints("binance").rest, "https://api.binance.com") << "an exchange not edited changed";
    EXPECT_EQ(settings.exchange(), "bybit") << "the dialog does not switch the toolbar's exchange";
}

TEST(AppSettings, EachMarketKeepsItsOwnEndpointsAndOldSpotKeysStillRead) {
    QTemporaryDir dir;
    const QString ini = dir.filePath("s.ini");
    {
        // A file written before there were markets: spot keys only.
        QSettings raw(ini, QSettings::IniFormat);
        raw.setValue("exchange/preset", "custom");
        raw.setValue("exchange/customRest", "https://binance.example.com");
        raw.setValue("exchange/customStream", "wss://binance.example.com");
        raw.setValue("exchange/bybit/preset", "custom");
        raw.setValue("exchange/bybit/customRest", "https://bybit.example.com");
        raw.setValue("exchange/bybit/customStream", "wss://bybit.example.com");
        raw.sync();
    }
    {
        AppSettings s(ini);
        // The old keys are the spot market's; the perpetuals are at their production hosts.
        EXPECT_EQ(s.effectiveEndpoints("binance").rest, "https://binance.example.com");
        EXPECT_EQ(s.effectiveEndpoints("bybit", MarketType::Spot).stream, "wss://bybit.example.com");
        EXPECT_EQ(s.endpointPreset("binance", MarketType::Perp), EndpointPreset::Production);
        for (const char* venue : {"binance", "bybit", "okx"}) {
            const auto production = exchange::defaultEndpoints(venue, MarketType::Perp);
            ASSERT_TRUE(production);
            EXPECT_EQ(s.effectiveEndpoints(venue, MarketType::Perp).rest, QString::fromStdString(production->restBase)) << venue;
            EXPECT_EQ(s.effectiveEndpoints(venue, MarketType::Perp).stream, QString::fromStdString(production->streamBase))
                << venue;
        }
        EXPECT_TRUE(s.effectiveEndpoints("kucoin", MarketType::Perp).rest.isEmpty()) << "KuCoin has no perpetuals here";
        s.setEndpointPreset(EndpointPreset::Custom, "binance", MarketType::Perp);
        s.setCustomEndpoints({"http://127.0.0.1:9100", "ws://127.0.0.1:9100"}, "binance", MarketType::Perp);
        s.setEndpointPreset(EndpointPreset::Testnet, "bybit", MarketType::Perp);
        s.sync();
    }
    const AppSettings s(ini);
    EXPECT_EQ(s.endpointPreset("binance", MarketType::Perp), EndpointPreset::Custom);
    EXPECT_EQ(s.effectiveEndpoints("binance", MarketType::Perp).rest, "http://127.0.0.1:9100");
    EXPECT_EQ(s.effectiveEndpoints("binance", MarketType::Perp).stream, "ws://127.0.0.1:9100");
    EXPECT_EQ(s.effectiveEndpoints("binance").rest, "https://binance.example.com") << "spot changed with the perpetual";
    EXPECT_EQ(s.effectiveEndpoints("bybit", MarketType::Perp).rest, "https://api-testnet.bybit.com");
    EXPECT_EQ(s.effectiveEndpoints("bybit", MarketType::Perp).stream, "wss://stream-testnet.bybit.com/v5/public/linear");
    EXPECT_EQ(s.effectiveEndpoints("bybit").rest, "https://bybit.example.com");
    // The perpetual's keys: exchange/<venue>/perp/… (Binance's too).
    QSettings raw(ini, QSettings::IniFormat);
    EXPECT_EQ(raw.value("exchange/binance/perp/preset").toString(), "custom");
    EXPECT_EQ(raw.value("exchange/binance/perp/customRest").toString(), "http://127.0.0.1:9100");
    EXPECT_EQ(raw.value("exchange/bybit/perp/preset").toString(), "testnet");
    EXPECT_EQ(raw.value("exchange/preset").toString(), "custom");
    // Presets a market lacks fall back to production: Binance's market-data hosts are spot only,
    // OKX has no perpetual testnet host.
    raw.setValue("exchange/binance/perp/preset", "market-data");
    raw.setValue("exchange/okx/perp/preset", "testnet");
    raw.sync();
    const AppSettings edited(ini);
    EXPECT_EQ(edited.endpointPreset("binance", MarketType::Perp), EndpointPreset::Production);
    EXPECT_EQ(edited.endpointPreset("okx", MarketType::Perp), EndpointPreset::Production);
    EXPECT_EQ(presetEndpoints(EndpointPreset::Testnet, "binance", MarketType::Perp).rest, "https://testnet.binancefuture.com");
    EXPECT_TRUE(presetEndpoints(EndpointPreset::MarketData, "binance", MarketType::Perp).rest.isEmpty());
}

TEST(SettingsDialog, EditsTheEndpointsOfEachMarket) {
    QTemporaryDir dir;
    AppSettings settings(dir.filePath("s.ini"));
    settings.setExchange("binance");
    settings.setMarket(MarketType::Perp);
    SettingsDialog dialog(settings);
    auto* venue = dialog.findChild<QComboBox*>("endpointExchange");
    auto* market = dialog.findChild<QComboBox*>("endpointMarket");
    auto* preset = dialog.findChild<QComboBox*>("endpointPreset");
    auto* rest = dialog.findChild<QLineEdit*>("restUrl");
    auto* stream = dialog.findChild<QLineEdit*>("streamUrl");
    ASSERT_TRUE(venue && market && preset && rest && stream);
    // The toolbar's market first: Binance USD-M's production hosts, its testnet, custom; no
    // spot-only market-data hosts.
    EXPECT_EQ(market->currentData().toInt(), static_cast<int>(MarketType::Perp));
    EXPECT_EQ(rest->text(), "https://fapi.binance.com");
    EXPECT_EQ(preset->count(), 3);
    EXPECT_EQ(preset->findData("market-data"), -1);
    ASSERT_NE(preset->findData("testnet"), -1);
    EXPECT_TRUE(preset->itemText(preset->findData("testnet")).contains("testnet.binancefuture.com"))
        << preset->itemText(preset->findData("testnet")).toStdString();

    // Custom perpetual endpoints; a plain ws:// to another host is refused and named.
    preset->setCurrentIndex(preset->findData("custom"));
    rest->setText("http://127.0.0.1:9100");
    stream->setText("ws://stream.example.com");
    // Spot shows its own (production) endpoints meanwhile.
    market->setCurrentIndex(market->findData(static_cast<int>(MarketType::Spot)));
    EXPECT_EQ(rest->text(), "https://api.binance.com");
    EXPECT_EQ(preset->count(), 4);
    EXPECT_FALSE(dialog.apply());
    EXPECT_TRUE(dialog.errorText().contains("Binance perpetual Stream")) << dialog.errorText().toStdString();
    // The market at fault is shown.
    EXPECT_EQ(market->currentData().toInt(), static_cast<int>(MarketType::Perp));
    EXPECT_EQ(stream->text(), "ws://stream.example.com");
    EXPECT_EQ(settings.endpointPreset("binance", MarketType::Perp), EndpointPreset::Production) << "saved despite errors";
    stream->setText("ws://127.0.0.1:9100");

    // Bybit's perpetual: its testnet.
    venue->setCurrentIndex(venue->findData("bybit"));
    EXPECT_EQ(market->currentData().toInt(), static_cast<int>(MarketType::Perp));
    preset->setCurrentIndex(preset->findData("testnet"));
    EXPECT_EQ(rest->text(), "https://api-testnet.bybit.com");
    EXPECT_TRUE(rest->isReadOnly());
    // KuCoin has no perpetuals here: spot only, the market choice disabled.
    venue->setCurrentIndex(venue->findData("kucoin"));
    EXPECT_EQ(market->currentData().toInt(), static_cast<int>(MarketType::Spot));
    EXPECT_FALSE(market->isEnabled());
    EXPECT_EQ(rest->text(), QString::fromStdString(exchange::defaultEndpoints("kucoin")->restBase));
    venue->setCurrentIndex(venue->findData("binance"));
    EXPECT_TRUE(market->isEnabled());
    market->setCurrentIndex(market->findData(static_cast<int>(MarketType::Perp)));
    EXPECT_EQ(rest->text(), "http://127.0.0.1:9100") << "the perpetual's edits were kept";

    ASSERT_TRUE(dialog.apply()) << dialog.errorText().toStdString();
    EXPECT_EQ(settings.effectiveEndpoints("binance", MarketType::Perp).rest, "http://127.0.0.1:9100");
    EXPECT_EQ(settings.effectiveEndpoints("binance", MarketType::Perp).stream, "ws://127.0.0.1:9100");
    EXPECT_EQ(settings.effectiveEndpoints("binance").rest, "https://api.binance.com") << "spot changed";
    EXPECT_EQ(settings.endpointPreset("bybit", MarketType::Perp), EndpointPreset::Testnet);
    EXPECT_EQ(settings.endpointPreset("bybit"), EndpointPreset::Production);
}
