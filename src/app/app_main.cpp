#include "cpc/app/app_main.hpp"

#include "cpc/session/venue_paths.hpp"
#include "cpc/app/app_services.hpp"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QPixmap>
#include <QSettings>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTimer>
#include <algorithm>
#include <cstdio>
#include <optional>

#include "cpc/app/alert_service.hpp"
#include "cpc/app/alerts_ui.hpp"
#include "cpc/app/bar_replay_ui.hpp"
#include "cpc/core/time.hpp"
#include "cpc/app/watchlist_dock.hpp"
#include "cpc/app/frame_probe.hpp"
#include "cpc/app/open_timer.hpp"
#include "cpc/app/scroll_back_driver.hpp"
#include "cpc/app/app_identity.hpp"
#include "cpc/app/desktop_notifier.hpp"
#include "cpc/app/app_settings.hpp"
#include "cpc/app/chart_controller.hpp"
#include "cpc/app/chart_pane.hpp"
#include "cpc/app/language.hpp"
#include "cpc/app/main_window.hpp"
#include "cpc/app/realtime_window.hpp"
#include "cpc/app/replay_player.hpp"
#include "cpc/app/session_recorder.hpp"
#include "cpc/chart/chart_model.hpp"
#include "cpc/chart_qt/chart_theme.hpp"
#include "cpc/chart_qt/time_zone.hpp"
#include "cpc/core/build_info.hpp"
#include "cpc/exchange/registry.hpp"
#include "cpc/sim/sim_server.hpp"

namespace cpc::app {

namespace {

int fail(const QString& message) {
    std::fprintf(stderr, "canvasprochart: %s\n", message.toLocal8Bit().constData());
    return 2;
}

// The language of the command line's help: --language LANG (or --language=LANG) when it names one
// of ours, else the system's.
QString commandLineLanguage(const QStringList& arguments) {
    for (int i = 1; i < arguments.size(); ++i) {
        QString value;
        if (arguments[i] == QLatin1String("--language") && i + 1 < arguments.size()) value = arguments[i + 1];
        else if (arguments[i].startsWith(QLatin1String("--language="))) value = arguments[i].mid(11);
        if (const auto chosen = parseLanguage(value)) return *chosen;
    }
    return systemLanguage();
}

}  // namespace

int runApp(int argc, char** argv) {
    const std::int64_t enteredNs = OpenTimer::monotonicNowNs();  // --open-stats: after the loader
    // No organisation name: QStandardPaths::AppDataLocation is then ~/.local/share/canvasprochart,
    // the directory the Qt-free storage module (and the cpc CLI) use for the cache.
    QCoreApplication::setApplicationName(QStringLiteral("canvasprochart"));
    QCoreApplication::setApplicationVersion(QString::fromStdString(versionText()));

    // --help speaks the interface language: --language when given, else the system's (the choice
    // saved in Settings is read only once the GUI starts). cpc's help stays English.
    std::optional<QCoreApplication> core(std::in_place, argc, argv);
    applyLanguage(commandLineLanguage(QCoreApplication::arguments()));

    QCommandLineParser parser;
    parser.setApplicationDescription(QCoreApplication::translate("CommandLine", "Live candlestick charts from Binance, Bybit, OKX and KuCoin."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption demo(QStringLiteral("demo"),
                                  QCoreApplication::translate("CommandLine", "Run offline against the built-in exchange simulator."));
    const QString exchangeList = [] {
        QStringList names;
        for (const auto& n : exchange::adapterNames()) names << QString::fromStdString(n);
        return names.join(QStringLiteral(", "));
    }();
    const QCommandLineOption exchangeOption(
        QStringLiteral("exchange"),
        QCoreApplication::translate("CommandLine", "Exchange to show: %1 (default: the last one chosen, else binance). With --demo the "
                       "simulator speaks its API.").arg(exchangeList),
        QStringLiteral("NAME"));
    const QCommandLineOption marketOption(
        QStringLiteral("market"),
        QCoreApplication::translate("CommandLine", "Market to show: spot or perp (the exchange's perpetual futures: mark price, funding, "
                       "open interest, liquidations). Default: the last one chosen, else spot. With --demo the "
                       "simulator serves Binance USD-M, Bybit linear and OKX swap perpetuals."),
        QStringLiteral("MARKET"));
    const QCommandLineOption symbol(QStringLiteral("symbol"),
                                    QCoreApplication::translate("CommandLine", "Symbol to open, e.g. BTCUSDT (BTC-USDT on OKX and KuCoin; "
                                                   "either spelling is accepted)."),
                                    QStringLiteral("SYMBOL"));
    const QCommandLineOption interval(QStringLiteral("interval"),
                                      QCoreApplication::translate("CommandLine", "Interval to open: 1s 1m 3m 5m 15m 30m 1h 2h 4h 6h 8h 12h 1d 3d 1w 1M."),
                                      QStringLiteral("INTERVAL"));
    const QCommandLineOption layoutOption(
        QStringLiteral("layout"),
        QCoreApplication::translate("CommandLine", "Charts in the window: %1 (2h side by side, 2v stacked, 3 one left and two right, 4 = 2 x 2, "
                       "6 = 3 x 2, 8 = 4 x 2). Default: the layouts saved at the last exit.")
            .arg(MainWindow::layoutNames().join(QLatin1Char(' '))),
        QStringLiteral("LAYOUT"));
    const QCommandLineOption symbolsOption(
        QStringLiteral("symbols"),
        QCoreApplication::translate("CommandLine", "Symbols of the layout's charts, in order, comma-separated; EXCHANGE:SYMBOL opens one on "
                       "another venue (bybit:ETHUSDT). Charts beyond the list open the first. Without --layout: the "
                       "smallest layout holding them."),
        QStringLiteral("A,B,C"));
    const QCommandLineOption screenshot(QStringLiteral("screenshot"),
                                        QCoreApplication::translate("CommandLine", "Write the whole window (every chart of the layout) as a PNG "
                                                       "before exiting (with --exit-after)."),
                                        QStringLiteral("FILE"));
    const QCommandLineOption exitAfter(QStringLiteral("exit-after"), QCoreApplication::translate("CommandLine", "Quit after this many seconds."),
                                       QStringLiteral("SECONDS"));
    const QCommandLineOption database(QStringLiteral("database"),
                                      QCoreApplication::translate("CommandLine", "SQLite candle cache to use (default: per-user data dir)."),
                                      QStringLiteral("FILE"));
    const QCommandLineOption restBase(
        QStringLiteral("rest"),
        QCoreApplication::translate("CommandLine", "REST base URL (default: the exchange's endpoints from Settings, e.g. https://api.binance.com)."),
        QStringLiteral("URL"));
    const QCommandLineOption streamBase(
        QStringLiteral("stream"),
        QCoreApplication::translate("CommandLine", "Stream base URL (default: the exchange's endpoints from Settings, e.g. "
                       "wss://stream.binance.com:9443)."),
        QStringLiteral("URL"));
    const QCommandLineOption caFile(QStringLiteral("ca-file"),
                                    QCoreApplication::translate("CommandLine", "Extra PEM CA certificates to trust besides the system store."),
                                    QStringLiteral("FILE"));
    const QCommandLineOption settingsFile(QStringLiteral("settings"), QCoreApplication::translate("CommandLine", "Settings INI file to use."),
                                          QStringLiteral("FILE"));
    const QCommandLineOption chartType(QStringLiteral("chart-type"),
                                       QCoreApplication::translate("CommandLine", "Chart type: %1.").arg(QString::fromStdString(chart::acceptedChartTypesText())),
                                       QStringLiteral("TYPE"));
    const QCommandLineOption theme(QStringLiteral("theme"), QCoreApplication::translate("CommandLine", "Colour theme: dark or light."),
                                   QStringLiteral("THEME"));
    const QCommandLineOption timeZone(QStringLiteral("time-zone"),
                                      QCoreApplication::translate("CommandLine", "Time axis zone: UTC, local or an IANA name (Europe/Berlin)."),
                                      QStringLiteral("ZONE"));
    const QCommandLineOption heatmap(
        QStringLiteral("heatmap"),
        QCoreApplication::translate("CommandLine", "Show the order-book heatmap under the candles (View > Heatmap), with the big trades."));
    const QCommandLineOption testRealtime(
        QStringLiteral("test-realtime"),
        QCoreApplication::translate("CommandLine", "Open the realtime test window (live trades, order book, ticker, stream selector, feed "
                       "health) instead of the chart window; --screenshot then shows it."));
    const QCommandLineOption tradeRate(QStringLiteral("trade-rate"),
                                       QCoreApplication::translate("CommandLine", "With --demo: simulated live trades per second and symbol, "
                                                      "0..20000 (the realtime window: default 1000; the chart: 20)."),
                                       QStringLiteral("N"));
    const QCommandLineOption language(
        QStringLiteral("language"),
        QCoreApplication::translate("CommandLine", "Interface language: %1 (default: the one chosen in Settings, else the system's).")
            .arg(interfaceLanguages().join(QStringLiteral(", "))),
        QStringLiteral("LANG"));
    const QCommandLineOption watchlistOption(
        QStringLiteral("watchlist"),
        QCoreApplication::translate("CommandLine", "Import FILE (one EXCHANGE:SYMBOL a line) into the watchlist as a list named after "
                       "the file, and show it."),
        QStringLiteral("FILE"));
    const QCommandLineOption frameStats(
        QStringLiteral("frame-stats"),
        QCoreApplication::translate("CommandLine", "Benchmarks: with --exit-after, print the GUI's frame times (p50, p99, max) "
                       "and chart paints counted after the first SECONDS."),
        QStringLiteral("SECONDS"));
    parser.addOptions({demo, exchangeOption, marketOption, symbol, interval, layoutOption, symbolsOption, screenshot, exitAfter, database, restBase, streamBase, caFile, settingsFile,
                       chartType, theme, timeZone, heatmap, testRealtime, tradeRate, language});
    const QCommandLineOption scrollBackTo(
        QStringLiteral("scroll-back-to"),
        QCoreApplication::translate("CommandLine", "Benchmarks: with --exit-after, keep scrolling the chart back, as a trader "
                       "dragging it, until its first candle is at TIME (UTC, e.g. \"2025-12-06\", or -365d); print how "
                       "long it took and quit."),
        QStringLiteral("TIME"));
    const QCommandLineOption openStats(
        QStringLiteral("open-stats"),
        QCoreApplication::translate("CommandLine", "Benchmarks: with --exit-after, print how long the start took to the first "
                       "painted chart, then choose each of SYMBOLS (comma-separated; \"\" for none) on the active chart "
                       "and print how long each took to its first paint; then quit."),
        QStringLiteral("SYMBOLS"));
    parser.addOptions({watchlistOption, frameStats, scrollBackTo, openStats});
    const QCommandLineOption barReplayOption(
        QStringLiteral("bar-replay"),
        QCoreApplication::translate("CommandLine", "Start Bar Replay on the chart at TIME (UTC, e.g. \"2024-01-15 13:05\", "
                       "or back from now: -6h, -2d) once its candles are loaded."),
        QStringLiteral("TIME"));
    parser.addOption(barReplayOption);
    const QCommandLineOption replayOption(
        QStringLiteral("replay"),
        QCoreApplication::translate("CommandLine", "Replay the recording in DIR (made by cpc record or File > Record) "
                                                   "instead of connecting to the venues: its symbols and streams, "
                                                   "through the same path as live data; history from the candle cache."),
        QStringLiteral("DIR"));
    const QCommandLineOption speedOption(
        QStringLiteral("speed"),
        QCoreApplication::translate("CommandLine", "With --replay: 1 to 1000 times the recorded pace, or max (default 1)."),
        QStringLiteral("X"));
    parser.addOptions({replayOption, speedOption});
    {
        // --help and --version are answered before the GUI exists: they need no display (a
        // QApplication aborts without one). A core application reads the arguments; Qt's own
        // GUI flags (-platform, -style…) are not ours, so a line with them goes on to the GUI.
        if (parser.parse(QCoreApplication::arguments())) {
            if (parser.isSet(QStringLiteral("help"))) {
                std::fputs(parser.helpText().toLocal8Bit().constData(), stdout);
                return 0;
            }
            if (parser.isSet(QStringLiteral("version"))) {
                std::printf("canvasprochart %s\n", versionText().c_str());
                return 0;
            }
        }
    }
    core.reset();
    QApplication app(argc, argv);
    // The desktop matches the windows to the installed menu entry (Wayland's app id) and its icon.
    QGuiApplication::setDesktopFileName(QString::fromLatin1(kApplicationId));
    QApplication::setWindowIcon(applicationIcon());
    if (!parser.parse(QApplication::arguments())) return fail(parser.errorText() + QStringLiteral(" (see --help)"));
    if (!parser.positionalArguments().isEmpty())
        return fail(QStringLiteral("unexpected argument \"%1\" (see --help)").arg(parser.positionalArguments().first()));

    QString chosenExchange;
    if (parser.isSet(exchangeOption)) {
        chosenExchange = parser.value(exchangeOption).trimmed().toLower();
        if (!exchange::defaultEndpoints(chosenExchange.toStdString()))
            return fail(QStringLiteral("unknown exchange \"%1\"; accepted: %2").arg(parser.value(exchangeOption), exchangeList));
    }
    std::optional<MarketType> chosenMarket;
    if (parser.isSet(marketOption)) {
        chosenMarket = parseMarketType(parser.value(marketOption).trimmed().toLower().toStdString());
        if (!chosenMarket)
            return fail(QStringLiteral("unknown market \"%1\"; accepted: %2")
                            .arg(parser.value(marketOption), QString::fromStdString(std::string(marketTypeNames()))));
    }
    std::optional<Interval> chosenInterval;
    if (parser.isSet(interval)) {
        chosenInterval = parseInterval(parser.value(interval).toStdString());
        if (!chosenInterval)
            return fail(QStringLiteral("unknown interval \"%1\"; accepted: %2 (case matters: 1m is a minute, 1M a month)")
                            .arg(parser.value(interval), QString::fromStdString(acceptedIntervalsText())));
    }
    std::optional<chart::ChartType> chosenType;
    if (parser.isSet(chartType)) {
        chosenType = chart::parseChartType(parser.value(chartType).toStdString());
        if (!chosenType)
            return fail(QStringLiteral("unknown chart type \"%1\"; accepted: %2")
                            .arg(parser.value(chartType), QString::fromStdString(chart::acceptedChartTypesText())));
    }
    if (parser.isSet(theme) && !chart_qt::themeByName(parser.value(theme)))
        return fail(QStringLiteral("unknown theme \"%1\"; accepted: %2")
                        .arg(parser.value(theme), chart_qt::themeNames().join(QLatin1Char(' '))));
    if (parser.isSet(timeZone) && !chart_qt::timeZoneOffset(parser.value(timeZone)))
        return fail(QStringLiteral("unknown time zone \"%1\"; accepted: UTC, local or an IANA name such as Europe/Berlin")
                        .arg(parser.value(timeZone)));
    int exitAfterSeconds = 0;
    if (parser.isSet(exitAfter)) {
        bool ok = false;
        exitAfterSeconds = parser.value(exitAfter).toInt(&ok);
        if (!ok || exitAfterSeconds <= 0)
            return fail(QStringLiteral("--exit-after needs a positive number of seconds, got \"%1\"").arg(parser.value(exitAfter)));
    }
    if (parser.isSet(barReplayOption) && !parseReplayTime(parser.value(barReplayOption), nowMs()))
        return fail(QStringLiteral("--bar-replay needs a time (UTC) such as \"2024-01-15 13:05\" or -6h, got \"%1\"")
                        .arg(parser.value(barReplayOption)));
    if (parser.isSet(screenshot) && !exitAfterSeconds)
        return fail(QStringLiteral("--screenshot needs --exit-after SECONDS (when to take it)"));
    QString screenshotPath;
    if (parser.isSet(screenshot)) {
        screenshotPath = QFileInfo(parser.value(screenshot)).absoluteFilePath();
        if (!QFileInfo(QFileInfo(screenshotPath).absolutePath()).isDir())
            return fail(QStringLiteral("cannot write the screenshot: folder %1 does not exist")
                            .arg(QFileInfo(screenshotPath).absolutePath()));
    }

    int liveTradeRate = 1000;
    if (parser.isSet(tradeRate)) {
        bool ok = false;
        liveTradeRate = parser.value(tradeRate).toInt(&ok);
        if (!ok || liveTradeRate < 0 || liveTradeRate > sim::MarketModel::kMaxLiveTradesPerSecond)
            return fail(QStringLiteral("--trade-rate needs 0..20000 trades per second, got \"%1\"").arg(parser.value(tradeRate)));
        if (!parser.isSet(demo))
            return fail(QStringLiteral("--trade-rate only applies with --demo"));
    }

    // --replay DIR [--speed X]: the recording is checked whole before any window exists.
    std::unique_ptr<replay::RecordReader> replayReader;
    replay::ReplayOptions replayOptions;
    if (parser.isSet(speedOption)) {
        if (!parser.isSet(replayOption)) return fail(QStringLiteral("--speed only applies with --replay DIR"));
        auto speed = replay::Replayer::parseSpeed(parser.value(speedOption).trimmed().toStdString());
        if (!speed) return fail(QString::fromStdString(speed.error().message));
        replayOptions = *speed;
    }
    if (parser.isSet(replayOption)) {
        for (const QCommandLineOption* venueFlag : {&demo, &exchangeOption, &marketOption, &restBase, &streamBase, &testRealtime})
            if (parser.isSet(*venueFlag))
                return fail(QStringLiteral("--replay and --%1 do not go together (a replay's venue, endpoints and "
                                           "streams are the recording's)")
                                .arg(venueFlag->names().first()));
        auto opened = ReplayPlayer::openRecording(parser.value(replayOption));
        if (!opened) return fail(QString::fromStdString(opened.error().message));
        replayReader = std::move(*opened);
    }

    std::optional<QString> chosenLanguage;
    if (parser.isSet(language)) {
        chosenLanguage = parseLanguage(parser.value(language));
        if (!chosenLanguage)
            return fail(QStringLiteral("unknown language \"%1\"; accepted: %2")
                            .arg(parser.value(language), interfaceLanguages().join(QStringLiteral(", "))));
    }

    // --watchlist: read before any window exists (a file that cannot be read is a usage error).
    QString watchlistName, watchlistText;
    if (parser.isSet(watchlistOption)) {
        QFile file(parser.value(watchlistOption));
        if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
            return fail(QStringLiteral("--watchlist: cannot read %1: %2").arg(parser.value(watchlistOption), file.errorString()));
        watchlistText = QString::fromUtf8(file.readAll());
        watchlistName = QFileInfo(file.fileName()).completeBaseName();
    }
    std::optional<int> frameStatsAfter;
    if (parser.isSet(frameStats)) {
        bool ok = false;
        frameStatsAfter = parser.value(frameStats).toInt(&ok);
        if (!ok || *frameStatsAfter < 0) return fail(QStringLiteral("--frame-stats needs a number of seconds (0 or more)"));
        if (!exitAfterSeconds) return fail(QStringLiteral("--frame-stats needs --exit-after SECONDS (when to print them)"));
    }
    std::optional<std::int64_t> scrollBackTarget;
    if (parser.isSet(scrollBackTo)) {
        scrollBackTarget = parseReplayTime(parser.value(scrollBackTo), nowMs());
        if (!scrollBackTarget)
            return fail(QStringLiteral("--scroll-back-to needs a time (UTC) such as \"2025-12-06\" or -365d, got \"%1\"")
                            .arg(parser.value(scrollBackTo)));
        if (!exitAfterSeconds) return fail(QStringLiteral("--scroll-back-to needs --exit-after SECONDS (when to give up)"));
    }
    QStringList openStatsSymbols;
    if (parser.isSet(openStats)) {
        for (const QString& item : parser.value(openStats).split(QLatin1Char(','), Qt::SkipEmptyParts))
            openStatsSymbols << item.trimmed().toUpper();
        if (!exitAfterSeconds) return fail(QStringLiteral("--open-stats needs --exit-after SECONDS (when to give up)"));
    }
    // --layout and --symbols: checked whole before any window exists.
    std::optional<QString> chosenLayout;
    if (parser.isSet(layoutOption)) {
        chosenLayout = parser.value(layoutOption).trimmed().toLower();
        if (!MainWindow::layoutChartCount(*chosenLayout))
            return fail(QStringLiteral("unknown layout \"%1\"; accepted: %2")
                            .arg(parser.value(layoutOption), MainWindow::layoutNames().join(QStringLiteral(", "))));
    }
    // Each chart's venue (empty: the window's) and symbol.
    std::vector<std::pair<QString, QString>> chosenSymbols;
    if (parser.isSet(symbolsOption)) {
        if (parser.isSet(symbol))
            return fail(QStringLiteral("--symbol and --symbols do not go together (--symbols names every chart's)"));
        for (const QString& item : parser.value(symbolsOption).split(QLatin1Char(','))) {
            const QString text = item.trimmed();
            if (text.isEmpty())
                return fail(QStringLiteral("--symbols: an empty name in \"%1\" (write A,B,C)").arg(parser.value(symbolsOption)));
            QString venueName;
            QString name = text.toUpper();
            if (const auto colon = text.indexOf(QLatin1Char(':')); colon >= 0) {
                venueName = text.left(colon).trimmed().toLower();
                name = text.mid(colon + 1).trimmed().toUpper();
                if (!exchange::defaultEndpoints(venueName.toStdString()))
                    return fail(QStringLiteral("--symbols: unknown exchange \"%1\" in \"%2\"; accepted: %3")
                                    .arg(text.left(colon), text, exchangeList));
            }
            chosenSymbols.emplace_back(venueName, name);
        }
        const int count = static_cast<int>(chosenSymbols.size());
        if (!chosenLayout) {
            chosenLayout = MainWindow::layoutFor(count);
            if (!chosenLayout) return fail(QStringLiteral("--symbols lists %1 symbols; a window holds at most 8 charts").arg(count));
        } else if (count > *MainWindow::layoutChartCount(*chosenLayout)) {
            return fail(QStringLiteral("--symbols lists %1 symbols but layout %2 has %3 charts")
                            .arg(count)
                            .arg(*chosenLayout)
                            .arg(*MainWindow::layoutChartCount(*chosenLayout)));
        }
    }

    std::unique_ptr<AppSettings> settings = parser.isSet(settingsFile)
                                                ? std::make_unique<AppSettings>(parser.value(settingsFile))
                                                : std::make_unique<AppSettings>();
    // A replay reads the user's settings (theme, language, indicators) from a copy: what it opens
    // (the recording's symbol, its layout) is not saved over the user's workspace.
    QTemporaryDir replaySettingsDir;
    if (replayReader) {
        const QString copy = replaySettingsDir.filePath(QStringLiteral("settings.ini"));
        QFile::copy(parser.isSet(settingsFile)
                        ? parser.value(settingsFile)
                        : QSettings(QSettings::IniFormat, QSettings::UserScope, QStringLiteral("CanvasProChart"),
                                    QStringLiteral("canvasprochart"))
                              .fileName(),
                    copy);
        settings = std::make_unique<AppSettings>(copy);
    }
    // The flag, else the language chosen in Settings, else the system's (LANG=pt_BR.UTF-8); before
    // any window exists, so every text is made in it. Not saved: the flag is for this run.
    const QString uiLanguage = chosenLanguage.value_or(
        parseLanguage(settings->language()).value_or(systemLanguage()));
    if (const QString error = applyLanguage(uiLanguage); !error.isEmpty()) return fail(error);
    MainWindow::applyPalette(settings->theme() == QLatin1String("dark"));

    // Flags win over the settings dialog's choices (and are saved, as the toolbar's choices are);
    // the demo always uses its simulator, in the exchange's dialect.
    if (!chosenExchange.isEmpty()) settings->setExchange(chosenExchange);
    if (chosenMarket) settings->setMarket(*chosenMarket);
    const QString venue = settings->exchange();
    // Symbols are checked before they go anywhere near a request ('&', '?', spaces, CR/LF would
    // inject query parameters or requests): the venue's alphabet, in the venue's words. The
    // message names the flag; empty when the symbol is fine (or the venue unknown).
    const auto badSymbol = [](const QString& venueName, const QString& name, const char* flag) -> QString {
        if (auto adapter = exchange::makeAdapter(venueName.toStdString())) {
            if (const auto bad = (*adapter)->checkSymbol(name.toStdString()))
                return QStringLiteral("%1: %2").arg(QLatin1String(flag), QString::fromStdString(bad->message));
        }
        return {};
    };
    if (parser.isSet(symbol)) {
        if (const QString bad = badSymbol(venue, parser.value(symbol).trimmed(), "--symbol"); !bad.isEmpty()) return fail(bad);
    }
    for (const QString& name : openStatsSymbols)
        if (const QString bad = badSymbol(venue, name, "--open-stats"); !bad.isEmpty()) return fail(bad);
    for (const auto& [venueName, name] : chosenSymbols)  // in the chart's venue's words
        if (const QString bad = badSymbol(venueName.isEmpty() ? venue : venueName, name, "--symbols"); !bad.isEmpty())
            return fail(bad);
    ControllerOptions options;
    options.demo = parser.isSet(demo);
    options.exchange = venue.toStdString();
    options.market = settings->market();
    // Settings' endpoints of the chosen market (the demo: its simulators); --rest and --stream
    // still win, for that market.
    const Endpoints endpoints = settings->effectiveEndpoints(venue, options.market);
    options.restBase = parser.isSet(restBase) ? parser.value(restBase).toStdString()
                       : options.demo         ? std::string{}
                                              : endpoints.rest.toStdString();
    options.streamBase = parser.isSet(streamBase) ? parser.value(streamBase).toStdString()
                         : options.demo           ? std::string{}
                                                  : endpoints.stream.toStdString();
    if (parser.isSet(database)) options.databasePath = parser.value(database).toStdString();
    else if (!options.demo && !settings->cacheDirectory().isEmpty())
        options.databasePath = QDir(settings->cacheDirectory()).filePath(QStringLiteral("candles.sqlite3")).toStdString();
    options.tls.extraCaFile =
        (parser.isSet(caFile) ? parser.value(caFile) : settings->extraCaFile()).toStdString();
    options.memoryBudgetBytes = settings->memoryBudgetBytes();
    if (replayReader) {
        // The recording's venue and endpoints (its session is replayed, nothing is sent there).
        const replay::SessionInfo& recorded = replayReader->info();
        options.replay = true;
        options.replaySymbols = recorded.symbols;
        options.exchange = recorded.exchange;
        options.market = MarketType::Spot;
        options.restBase = recorded.restBase;
        options.streamBase = recorded.streamBase;
    }
    if (parser.isSet(testRealtime)) {
        // The realtime test window on its own; in demo mode over a simulator under live load.
        RealtimeOptions rt;
        rt.tls = options.tls;
        // The composition root: one network thread, one market session and, in demo mode, the
        // simulator (under live load) for the process.
        ServicesOptions servicesConfig = servicesOptions(options);
        servicesConfig.streams = rt.session;
        servicesConfig.simLiveTradesPerSecond = liveTradeRate;
        AppServices services(std::move(servicesConfig));
        if (options.demo) {
            auto simulator = services.simulator(options.exchange, options.market);
            if (!simulator) return fail(QString::fromStdString(simulator.error().message));
            rt.restBase = (*simulator)->restBase();
            rt.streamBase = (*simulator)->streamBase() + session::venueStreamPath(options.exchange, options.market);
            rt.simulator = true;
        }
        if (!options.restBase.empty()) rt.restBase = options.restBase;
        if (!options.streamBase.empty()) rt.streamBase = options.streamBase;
        rt.exchange = options.exchange;
        rt.marketType = options.market;
        rt.symbol = parser.isSet(symbol) ? parser.value(symbol).trimmed().toUpper() : settings->lastSymbol();
        if (const auto pair = ChartController::splitSymbol(rt.symbol.toStdString())) {
            // The venue's spelling of the pair (BTCUSDT ↔ BTC-USDT).
            auto adapter = exchange::makeAdapter(rt.exchange);
            if (adapter) rt.symbol = QString::fromStdString((*adapter)->symbolFor(pair->first, pair->second));
        }
        rt.interval = chosenInterval.value_or(Interval::M1);
        rt.timeZone = parser.isSet(timeZone) ? parser.value(timeZone) : settings->timeZone();
        int exitCode = 0;
        {
            rt.market = &services.market();
            RealtimeWindow window(rt);
            window.show();
            if (exitAfterSeconds) {
                QTimer::singleShot(exitAfterSeconds * 1000, &app, [&] {
                    if (!screenshotPath.isEmpty()) {
                        window.refreshHealth();
                        if (window.grab().save(screenshotPath, "PNG"))
                            std::printf("canvasprochart: screenshot written to %s\n", screenshotPath.toLocal8Bit().constData());
                        else
                            exitCode = fail(QStringLiteral("could not write the screenshot to %1").arg(screenshotPath));
                    }
                    window.close();
                    QApplication::quit();
                });
            }
            const int rc = QApplication::exec();
            if (!exitCode) exitCode = rc;
        }
        return exitCode;
    }

    // The composition root: one network thread, one market session, one storage worker and (demo)
    // the simulators for the whole process, shared by every window (the charts, the realtime
    // window) — the venues' connections, subscriptions and REST limits live in the session, every
    // series is saved by the one worker. Destroyed after the windows and the controller.
    ServicesOptions chartServices = servicesOptions(options);
    // The demo's live trades (the trade tape of the realtime window opened from the menu, the order
    // flow's footprint and bubbles): a few a second unless asked otherwise — the simulated history
    // trades only a few times a minute. Their sizes keep the forming candle's volume in scale.
    chartServices.simLiveTradesPerSecond = parser.isSet(tradeRate) ? liveTradeRate : kDemoChartTradesPerSecond;
    // File > Record: the session's wire tap, writing only while a recording runs.
    const auto sessionTap = std::make_shared<SessionTap>();
    if (!replayReader) chartServices.streams.tap = sessionTap;
    if (replayReader) {
        chartServices.streams.replay = true;  // no socket, no request: the record is what it receives
        chartServices.readOnlyCache = true;   // history before the recording: the cache, never written
    }
    AppServices services(chartServices);
    options.services = &services;
    ChartController controller(options);
    if (auto started = controller.start(); !started) return fail(QString::fromStdString(started.error().message));

    // The alerts (issue 15): one engine for the process on the same market session, evaluating
    // every stored alert whether or not a chart shows its symbol. Made before the window and
    // destroyed after it; a database it cannot open is a state the window shows ("Alerts off").
    std::map<std::string, exchange::Endpoints> alertEndpoints;
    for (const std::string& name : exchange::adapterNames()) {
        const Endpoints configured = settings->effectiveEndpoints(QString::fromStdString(name));
        if (!configured.rest.isEmpty() && !configured.stream.isEmpty())
            alertEndpoints[name] = {configured.rest.toStdString(), configured.stream.toStdString()};
    }
    // The alerts watch spot markets: a perpetual chart's endpoints are not theirs.
    if (!options.restBase.empty() && !options.streamBase.empty() && options.market == MarketType::Spot)
        alertEndpoints[options.exchange] = {options.restBase, options.streamBase};
    // A replay evaluates the alerts on a copy of their file: its firings are not the market's.
    QTemporaryDir replayAlertsDir;
    std::string alertsPath = defaultAppAlertsPath(options.demo);
    // And a second copy, untouched: a seek back starts the replay's alerts over from it.
    const std::string pristineAlertsPath = replayAlertsDir.filePath(QStringLiteral("alerts-start.sqlite3")).toStdString();
    if (replayReader) {
        const QString copy = replayAlertsDir.filePath(QStringLiteral("alerts.sqlite3"));
        QFile::copy(QString::fromStdString(alertsPath), copy);
        QFile::copy(QString::fromStdString(alertsPath), QString::fromStdString(pristineAlertsPath));
        alertsPath = copy.toStdString();
    }
    AlertService alerts(services.market(), alertsPath,
                        appAlertEngineConfig(services, options.demo, std::move(alertEndpoints)));
    alerts.start();
    DesktopNotifier notifier;

    MainWindow window(controller, *settings);
    new AlertsUi(window, controller, alerts, *settings, notifier);  // the window owns it
    window.barReplay()->setAlertSource([&alerts] { return alerts.alerts(); });
    auto* watchlist = new WatchlistDock(window, *settings);  // the window owns it; its lists restored from the settings
    if (!watchlistName.isEmpty()) watchlist->importList(watchlistName, watchlistText);
    FrameProbe* probe = frameStatsAfter ? new FrameProbe(&window) : nullptr;
    // Made before the window shows, so that its first paint is seen.
    OpenTimer* openTimer = parser.isSet(openStats) ? new OpenTimer(window, openStatsSymbols, enteredNs, &window) : nullptr;
    if (probe) QTimer::singleShot(*frameStatsAfter * 1000, probe, [probe] { probe->restart(); });
    if (chosenType) window.setChartType(*chosenType);
    if (parser.isSet(theme)) window.setThemeName(parser.value(theme));
    if (parser.isSet(timeZone)) window.setTimeZoneName(parser.value(timeZone));
    if (parser.isSet(heatmap)) window.setHeatmapVisible(true);
    window.show();
    // The saved workspace (layout tabs, their charts, the active one), unless the command line
    // says what to open: --symbol, --layout or --symbols.
    const bool restored = !replayReader && !parser.isSet(symbol) && !chosenLayout && window.restoreWorkspace();
    if (!restored) {
        // In the venue's spelling, whichever venue the saved (or typed) symbol was written for.
        QString firstSymbol = !chosenSymbols.empty()     ? chosenSymbols.front().second
                              : parser.isSet(symbol) ? parser.value(symbol).trimmed().toUpper()
                                                     : settings->lastSymbol();
        Interval startInterval = chosenInterval.value_or(settings->lastInterval());
        if (replayReader && !parser.isSet(symbol) && chosenSymbols.empty()) {
            // The recording's first symbol at its kline stream's interval.
            firstSymbol = QString::fromStdString(replayReader->info().symbols.front());
            startInterval = chosenInterval.value_or(ReplayPlayer::chartInterval(replayReader->info()));
        }
        if (!chosenSymbols.empty() && !chosenSymbols.front().first.isEmpty())
            window.switchExchange(chosenSymbols.front().first);
        window.openSeries(controller.venueSymbol(firstSymbol), startInterval);
        if (chosenLayout && window.applyLayout(*chosenLayout)) {
            // The layout's new charts opened the first symbol; the listed ones get theirs.
            const std::vector<ChartPane*> charts = window.panes();
            for (std::size_t i = 1; i < chosenSymbols.size() && i < charts.size(); ++i) {
                const auto& [venueName, name] = chosenSymbols[i];
                if (!venueName.isEmpty()) window.switchExchangeOf(charts[i], venueName);
                window.openSeriesIn(charts[i], name, startInterval);
            }
        }
    } else {
        // Flags for the presentation apply to the restored active chart, as they did to the one chart.
        if (chosenType) window.setChartType(*chosenType);
        if (parser.isSet(heatmap)) window.setHeatmapVisible(true);
    }

    if (parser.isSet(barReplayOption)) window.barReplay()->startWhenLoaded(parser.value(barReplayOption));

    // The replay: its toolbar and status, started once the chart's feed has subscribed its stream
    // (its first Connecting status), so the chart hears the recording from its first frame.
    std::unique_ptr<SessionRecorder> sessionRecorder;
    if (!replayReader) {
        sessionRecorder = std::make_unique<SessionRecorder>(controller, sessionTap);
        sessionRecorder->addTo(window);
    }
    std::unique_ptr<ReplayPlayer> replayPlayer;
    if (replayReader) {
        replayPlayer = std::make_unique<ReplayPlayer>(services, std::move(replayReader), replayOptions);
        // The market the windows show is the recording's: its clock stamps the heatmap.
        services.setMarketClock([player = replayPlayer.get()] { return player->clockMs(); });
        QObject::connect(replayPlayer.get(), &QObject::destroyed, [&services] { services.setMarketClock({}); });
        new ReplayToolbar(window, *replayPlayer);  // the window owns it
        // A seek back: everything that shows the replayed market starts over — every chart's feed
        // and series hub, the alerts (from their file as the replay started), the realtime
        // window — and the replay plays again from the recording's start once the chart listens.
        // Ready once the chart's stream has its users again (the chart's feed, the alerts' and the
        // realtime window's on that stream), so none misses the recording's first frames.
        auto usersBefore = std::make_shared<std::size_t>(1);
        replayPlayer->setReadyCheck([&, usersBefore] { return replayPlayer->listeners(controller.currentKey()) >= *usersBefore; });
        QObject::connect(replayPlayer.get(), &ReplayPlayer::rewinding, &window, [&, usersBefore] {
            *usersBefore = std::max<std::size_t>(1, replayPlayer->listeners(controller.currentKey()));
            window.startReplayOver();
            alerts.startOver(pristineAlertsPath);
        });
        const auto startReplay = [&](bool anyway) {
            if (replayPlayer->started()) return;
            if (!anyway && !replayPlayer->chartSubscribed(controller.currentKey())) return;
            if (auto started = replayPlayer->start(); !started)
                window.statusBar()->showMessage(QString::fromStdString(started.error().message));
        };
        QObject::connect(&controller, &ChartController::statusChanged, replayPlayer.get(), [startReplay] { startReplay(false); });
        QTimer::singleShot(3000, replayPlayer.get(), [startReplay] { startReplay(true); });  // a chart that never subscribes
    }

    int exitCode = 0;
    ScrollBackDriver* scrollBack = scrollBackTarget ? new ScrollBackDriver(window, *scrollBackTarget, &window) : nullptr;
    if (scrollBack)
        QObject::connect(scrollBack, &ScrollBackDriver::finished, &app, [&] {
            std::printf("canvasprochart: scroll-back %s\n", scrollBack->report().toUtf8().constData());
            if (probe) std::printf("canvasprochart: %s\n", probe->report().toUtf8().constData());
            std::fflush(stdout);
            window.close();
            QApplication::quit();
        });
    const auto printOpenStats = [&] {
        for (const QString& line : openTimer->report())
            std::printf("canvasprochart: %s\n", line.toUtf8().constData());
        std::fflush(stdout);
    };
    if (openTimer)
        QObject::connect(openTimer, &OpenTimer::finished, &app, [&] {
            printOpenStats();
            window.close();
            QApplication::quit();
        });
    if (exitAfterSeconds) {
        QTimer::singleShot(exitAfterSeconds * 1000, &app, [&] {
            if (openTimer) {
                printOpenStats();
                exitCode = 1;
            }
            if (scrollBack) {
                std::printf("canvasprochart: scroll-back %s\n", scrollBack->report().toUtf8().constData());
                exitCode = 1;
            }
            if (probe) std::printf("canvasprochart: %s\n", probe->report().toUtf8().constData());
            if (!screenshotPath.isEmpty()) {
                if (window.grab().save(screenshotPath, "PNG")) {
                    std::printf("canvasprochart: screenshot written to %s\n", screenshotPath.toLocal8Bit().constData());
                } else {
                    exitCode = fail(QStringLiteral("could not write the screenshot to %1").arg(screenshotPath));
                }
            }
            window.close();
            QApplication::quit();
        });
    }
    const int rc = QApplication::exec();
    return exitCode ? exitCode : rc;
}

}  // namespace cpc::app
