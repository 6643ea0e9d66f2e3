// `cpc alerts`: manage price, indicator and drawing alerts in the alert database and evaluate them
// on the live feed. `add`, `list`, `log`, `remove`, `pause`, `resume` work on the database only;
// `run` is a composition root (one network thread, one session::MarketSession) with an
// alerts::AlertEngine on it, printing each trigger as one JSON line on stdout and the feeds'
// states and any problem on stderr, until SIGINT/SIGTERM or --exit-after.
#include <boost/asio/signal_set.hpp>
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <future>
#include <iomanip>
#include <mutex>
#include <sstream>

#include "command.hpp"
#include "cpc/alerts/alert_engine.hpp"
#include "cpc/alerts/alert_store.hpp"
#include "cpc/core/ascii.hpp"
#include "cpc/core/time.hpp"
#include "cpc/exchange/registry.hpp"
#include "cpc/net/io_thread.hpp"
#include "cpc/net/url.hpp"
#include "cpc/session/market_session.hpp"
#include "cpc/session/venue_paths.hpp"
#include "cpc/storage/data_paths.hpp"

namespace cpc::cli {

namespace {

namespace asio = boost::asio;
using json = nlohmann::ordered_json;
using namespace cpc::alerts;

constexpr const char* kName = "cpc alerts";
constexpr const char* kActions = "add, list, log, remove, pause, resume, run";

json triggerJson(const Trigger& t) {
    json j;
    j["type"] = "alert";
    j["id"] = t.alertId;
    j["exchange"] = t.key.exchange;
    j["symbol"] = t.key.symbol;
    j["interval"] = std::string(toString(t.key.interval));
    j["condition"] = t.condition;
    j["time"] = t.timeMs;
    j["timeUtc"] = formatUtc(t.timeMs, true);
    j["barOpenTime"] = t.barOpenTime;
    j["price"] = t.price;
    j["late"] = t.late;
    j["detectedAt"] = t.detectedMs;
    j["message"] = t.message;
    return j;
}

std::string dbPathOf(const ParsedArgs& args) { return args.value("--db").value_or(defaultAlertsPath()); }

// "2026-12-24", "2026-12-24T18:00" (UTC) or a duration from now: "90m", "24h", "7d".
std::optional<std::int64_t> parseExpiry(const std::string& text, std::int64_t now) {
    if (auto t = parseUtc(text)) return *t;
    if (text.size() < 2) return std::nullopt;
    const char unit = text.back();
    long long n = 0;
    for (std::size_t i = 0; i + 1 < text.size(); ++i) {
        if (text[i] < '0' || text[i] > '9' || n > 1'000'000) return std::nullopt;
        n = n * 10 + (text[i] - '0');
    }
    const std::int64_t scale = unit == 'm' ? kMinuteMs : unit == 'h' ? kHourMs : unit == 'd' ? kDayMs : 0;
    if (scale == 0 || n == 0) return std::nullopt;
    return now + n * scale;
}

Result<std::unique_ptr<AlertStore>> openStore(const ParsedArgs& args) { return AlertStore::open(dbPathOf(args)); }

// Options only some actions take: naming the one given to another action is a usage error.
std::optional<std::string> foreignOption(const ParsedArgs& args, const std::string& action,
                                         std::initializer_list<const char*> allowed) {
    for (const auto& [name, value] : args.options) {
        if (name == "--db") continue;
        if (std::find_if(allowed.begin(), allowed.end(), [&](const char* a) { return name == a; }) == allowed.end())
            return name + " does not go with 'alerts " + action + "'";
    }
    return std::nullopt;
}

int runAdd(const ParsedArgs& args, std::ostream& out, std::ostream& err) {
    const auto usage = [&](const std::string& m) {
        err << kName << " add: " << m << '\n';
        return kExitUsage;
    };
    if (auto bad = foreignOption(args, "add", {"--exchange", "--interval", "--once", "--every", "--per-bar", "--on-close",
                                               "--expires", "--message"}))
        return usage(*bad);
    if (args.positional.size() != 3) return usage("expected SYMBOL and CONDITION, e.g. cpc alerts add BTCUSDT \"price crosses 6820.5\"");
    Alert a;
    auto venue = exchangeArg(args);
    if (!venue) return usage(venue.error().message);
    a.key.exchange = *venue;
    a.key.symbol = toUpperAscii(args.positional[1]);
    const bool symbolOk = !a.key.symbol.empty() && std::all_of(a.key.symbol.begin(), a.key.symbol.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
    });
    if (!symbolOk) return usage("'" + args.positional[1] + "' is not a symbol (letters, digits and '-', e.g. BTCUSDT or BTC-USDT)");
    const std::string intervalText = args.value("--interval").value_or("1m");
    const auto interval = parseInterval(intervalText);
    if (!interval) return usage("--interval: unknown interval '" + intervalText + "'; accepted: " + acceptedIntervalsText());
    a.key.interval = *interval;
    auto condition = parseCondition(args.positional[2]);
    if (!condition) return usage(condition.error().message);
    a.condition = *condition;
    const int frequencies = int{args.has("--once")} + int{args.has("--every")} + int{args.has("--per-bar")};
    if (frequencies > 1) return usage("choose one of --once, --per-bar, --every");
    a.frequency = args.has("--every") ? Frequency::EveryTime : args.has("--per-bar") ? Frequency::OncePerBar : Frequency::Once;
    a.evaluation = args.has("--on-close") ? Evaluation::OnBarClose : Evaluation::EveryTick;
    a.message = args.value("--message").value_or("");
    a.createdMs = nowMs();
    if (auto e = args.value("--expires")) {
        a.expiresMs = parseExpiry(*e, a.createdMs);
        if (!a.expiresMs)
            return usage("--expires: '" + *e + "' is neither a UTC time (2026-12-24, 2026-12-24T18:00) nor a duration (90m, 24h, 7d)");
        if (*a.expiresMs <= a.createdMs) return usage("--expires: " + *e + " has already passed");
    }
    auto store = openStore(args);
    if (!store) {
        err << kName << ": " << store.error().message << '\n';
        return kExitFailure;
    }
    auto id = (*store)->add(a);
    if (!id) {
        err << kName << ": " << id.error().message << '\n';
        return kExitFailure;
    }
    out << "alert " << *id << ": " << a.key.exchange << " " << a.key.symbol << " " << toString(a.key.interval) << " \""
        << a.condition.text() << "\" (" << toString(a.evaluation) << ", " << toString(a.frequency)
        << (a.expiresMs ? ", expires " + formatUtc(*a.expiresMs) : std::string()) << ")\n";
    return kExitOk;
}

std::string statusOf(const Alert& a, std::int64_t now) {
    if (a.done) return "done";
    if (a.expiredAt(now)) return "expired";
    if (a.paused) return "paused";
    return "active";
}

int runList(const ParsedArgs& args, std::ostream& out, std::ostream& err) {
    if (auto bad = foreignOption(args, "list", {})) {
        err << kName << " list: " << *bad << '\n';
        return kExitUsage;
    }
    auto store = openStore(args);
    if (!store) {
        err << kName << ": " << store.error().message << '\n';
        return kExitFailure;
    }
    auto loaded = (*store)->load();
    if (!loaded) {
        err << kName << ": " << loaded.error().message << '\n';
        return kExitFailure;
    }
    for (const auto& p : loaded->problems) err << kName << ": " << p << '\n';
    if (loaded->alerts.empty()) {
        out << "no alerts in " << (*store)->path() << " (cpc alerts add SYMBOL CONDITION)\n";
        return loaded->problems.empty() ? kExitOk : kExitFailure;
    }
    const std::int64_t now = nowMs();
    out << "ID\tEXCHANGE\tSYMBOL\tINTERVAL\tEVALUATE\tFIRES\tSTATUS\tFIRED\tLAST FIRED\tEXPIRES\tCONDITION\tMESSAGE\n";
    for (const Alert& a : loaded->alerts) {
        out << a.id << '\t' << a.key.exchange << '\t' << a.key.symbol << '\t' << toString(a.key.interval) << '\t'
            << toString(a.evaluation) << '\t' << toString(a.frequency) << '\t' << statusOf(a, now) << '\t' << a.fireCount
            << '\t' << (a.lastFiredMs ? formatUtc(*a.lastFiredMs) : "-") << '\t'
            << (a.expiresMs ? formatUtc(*a.expiresMs) : "-") << '\t' << a.condition.text() << '\t' << a.message << '\n';
    }
    return loaded->problems.empty() ? kExitOk : kExitFailure;
}

int runLog(const ParsedArgs& args, std::ostream& out, std::ostream& err) {
    if (auto bad = foreignOption(args, "log", {"--limit"})) {
        err << kName << " log: " << *bad << '\n';
        return kExitUsage;
    }
    std::size_t limit = 100;
    if (auto v = args.value("--limit")) {
        auto n = parseIntOption("--limit", *v, 1, 1'000'000);
        if (!n) {
            err << kName << " log: " << n.error().message << '\n';
            return kExitUsage;
        }
        limit = static_cast<std::size_t>(*n);
    }
    auto store = openStore(args);
    if (!store) {
        err << kName << ": " << store.error().message << '\n';
        return kExitFailure;
    }
    auto log = (*store)->triggers(0, limit);
    if (!log) {
        err << kName << ": " << log.error().message << '\n';
        return kExitFailure;
    }
    // Oldest first, like `run` printed them.
    for (auto it = log->rbegin(); it != log->rend(); ++it) out << triggerJson(*it).dump() << '\n';
    return kExitOk;
}

int runById(const ParsedArgs& args, const std::string& action, std::ostream& out, std::ostream& err) {
    const auto usage = [&](const std::string& m) {
        err << kName << " " << action << ": " << m << '\n';
        return kExitUsage;
    };
    if (auto bad = foreignOption(args, action, {})) return usage(*bad);
    if (args.positional.size() != 2) return usage("expected the alert's ID (cpc alerts list shows them)");
    auto id = parseIntOption("ID", args.positional[1], 1, std::numeric_limits<long long>::max());
    if (!id) return usage(id.error().message);
    auto store = openStore(args);
    if (!store) {
        err << kName << ": " << store.error().message << '\n';
        return kExitFailure;
    }
    const auto r = action == "remove" ? (*store)->remove(*id) : (*store)->setPaused(*id, action == "pause");
    if (!r) {
        err << kName << ": " << r.error().message << '\n';
        return kExitFailure;
    }
    out << "alert " << *id << (action == "remove" ? " removed" : action == "pause" ? " paused" : " resumed") << '\n';
    return kExitOk;
}

// What the engine reports, printed by whichever thread reports it (one line at a time).
struct PrintingSink final : AlertSink {
    std::ostream& out;
    std::ostream& err;
    std::mutex mutex;
    std::uint64_t triggers = 0;
    PrintingSink(std::ostream& o, std::ostream& e) : out(o), err(e) {}
    void onTrigger(const Trigger& t) override {
        const std::lock_guard lock(mutex);
        out << triggerJson(t).dump() << std::endl;
        ++triggers;
    }
    void onStatus(const SeriesStatus& s) override {
        const std::lock_guard lock(mutex);
        err << kName << ": " << toString(s.key) << " " << feed::toString(s.state) << (s.detail.empty() ? "" : ": " + s.detail)
            << std::endl;
    }
    void onProblem(const std::string& message) override {
        const std::lock_guard lock(mutex);
        err << kName << ": problem: " << message << std::endl;
    }
};

int runRun(const ParsedArgs& args, std::ostream& out, std::ostream& err) {
    const auto usage = [&](const std::string& m) {
        err << kName << " run: " << m << '\n';
        return kExitUsage;
    };
    if (auto bad = foreignOption(args, "run", {"--exchange", "--endpoint", "--rest", "--exit-after"})) return usage(*bad);
    if (args.positional.size() != 1) return usage("run takes no arguments besides its options");
    auto venue = exchangeArg(args);
    if (!venue) return usage(venue.error().message);
    std::chrono::milliseconds exitAfter{0};
    if (auto v = args.value("--exit-after")) {
        auto n = parseIntOption("--exit-after", *v, 1, 365LL * 24 * 3600);
        if (!n) return usage(n.error().message);
        exitAfter = std::chrono::seconds(*n);
    }
    EngineConfig config;
    if (args.has("--endpoint") || args.has("--rest")) {
        const auto defaults = exchange::defaultEndpoints(*venue);
        std::string base = args.value("--endpoint").value_or(defaults->streamBase);
        while (base.ends_with('/')) base.pop_back();
        auto baseUrl = net::Url::parse(base);
        if (!baseUrl) return usage("--endpoint: " + baseUrl.error().message);
        if (!baseUrl->websocket()) return usage("--endpoint must be a wss:// (or loopback ws://) URL");
        base = session::withVenueStreamPath(base, *venue);
        std::string rest = defaults->restBase;
        if (auto v = args.value("--rest")) rest = *v;
        else if (args.has("--endpoint") && net::isLoopbackHost(baseUrl->host))
            rest = std::string(baseUrl->secure() ? "https" : "http") + "://" + baseUrl->hostHeader();
        while (rest.ends_with('/')) rest.pop_back();
        auto restUrl = net::Url::parse(rest);
        if (!restUrl) return usage("--rest: " + restUrl.error().message);
        if (restUrl->websocket()) return usage("--rest must be an https:// (or loopback http://) URL");
        config.endpoints[*venue] = exchange::Endpoints{rest, base};
    }

    // The composition root: one network thread, one market session, the engine on them.
    net::IoThread io;
    session::MarketSession market(io);
    PrintingSink sink(out, err);
    AlertEngine engine(market, dbPathOf(args), sink, config);
    if (auto r = engine.start(); !r) {
        err << kName << ": " << r.error().message << '\n';
        market.stop();
        return kExitFailure;
    }
    if (engine.stats().alerts == 0) {
        sink.onProblem("no alerts to evaluate in " + dbPathOf(args) + " (cpc alerts add SYMBOL CONDITION); waiting for some");
    }
    std::mutex mutex;
    std::condition_variable stopCv;
    std::string reason;  // guarded by mutex
    asio::signal_set signals(io.context(), SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code& ec, int signal) {
        if (ec) return;
        const std::lock_guard lock(mutex);
        reason = signal == SIGINT ? "SIGINT" : "SIGTERM";
        stopCv.notify_all();
    });
    {
        std::unique_lock lock(mutex);
        const auto deadline = exitAfter.count() > 0 ? std::chrono::steady_clock::now() + exitAfter
                                                    : std::chrono::steady_clock::time_point::max();
        if (!stopCv.wait_until(lock, deadline, [&] { return !reason.empty(); }))
            reason = std::to_string(exitAfter.count() / 1000) + " s elapsed";
    }
    engine.stop();
    std::promise<void> cancelled;
    asio::post(io.context(), [&] {
        signals.cancel();
        cancelled.set_value();
    });
    cancelled.get_future().wait();
    market.stop();
    const auto stats = engine.stats();
    {
        const std::lock_guard lock(sink.mutex);
        err << kName << ": stopped (" << reason << "; " << stats.triggers << " trigger" << (stats.triggers == 1 ? "" : "s")
            << ", " << stats.lateTriggers << " late)" << std::endl;
    }
    return stats.storeFailures == 0 ? kExitOk : kExitFailure;
}

int runAlerts(const ParsedArgs& args, std::ostream& out, std::ostream& err) {
    if (args.positional.empty()) {
        err << kName << ": which action? accepted: " << kActions << " (cpc alerts --help)\n";
        return kExitUsage;
    }
    const std::string& action = args.positional[0];
    if (action == "add") return runAdd(args, out, err);
    if (action == "list") {
        if (args.positional.size() != 1) return (err << kName << " list: takes no arguments\n", kExitUsage);
        return runList(args, out, err);
    }
    if (action == "log") {
        if (args.positional.size() != 1) return (err << kName << " log: takes no arguments\n", kExitUsage);
        return runLog(args, out, err);
    }
    if (action == "remove" || action == "pause" || action == "resume") return runById(args, action, out, err);
    if (action == "run") return runRun(args, out, err);
    err << kName << ": unknown action '" << action << "'; accepted: " << kActions << '\n';
    return kExitUsage;
}

}  // namespace

Command makeAlertsCommand() {
    Command c;
    c.name = "alerts";
    c.summary = "price, indicator and drawing alerts: add, list, remove, and run them on the live feed";
    c.usage = "cpc alerts add SYMBOL CONDITION [--exchange NAME] [--interval I] [--once|--per-bar|--every] [--on-close] "
              "[--expires TIME] [--message TEXT] [--db FILE]\n"
              "       cpc alerts list | log [--limit N] | remove ID | pause ID | resume ID [--db FILE]\n"
              "       cpc alerts run [--exchange NAME] [--endpoint URL] [--rest URL] [--exit-after SECONDS] [--db FILE]";
    const std::string defaultFile = storage::defaultDataDirectory() + "/" + kAlertsFileName;
    c.description =
        "Alerts live in their own SQLite file (default " + defaultFile +
        "), beside the candle cache. `run` evaluates every alert on the live feed (the venue's kline stream of each "
        "alert's symbol and interval, history for warm-up, a REST backfill after every reconnect) and prints each "
        "trigger as one JSON line: "
        "{\"type\":\"alert\",\"id\",\"exchange\",\"symbol\",\"interval\",\"condition\",\"time\",\"timeUtc\",\"barOpenTime\","
        "\"price\",\"late\",\"detectedAt\",\"message\"}; `late` is true for what was seen only in history fetched "
        "afterwards (a cross during a disconnect, or while nothing ran), with the time of its bar. Nothing fires "
        "twice, also across restarts. An alert fires once (default), once per bar (--per-bar) or every time "
        "(--every); it looks at every tick (default) or only at bar closes (--on-close).\n" +
        acceptedConditionsText();
    c.options = {
        {"--exchange", "NAME", "add: the alert's venue; run: the venue --endpoint/--rest are for (default binance; " +
                                   acceptedExchangesText() + ")"},
        {"--interval", "I", "add: the bars the condition reads (default 1m; " + acceptedIntervalsText() + ")"},
        {"--once", "", "add: fire once, then the alert is done (default)"},
        {"--per-bar", "", "add: fire at most once per bar"},
        {"--every", "", "add: fire every time (a state such as > or change: each time it becomes true again)"},
        {"--on-close", "", "add: evaluate only when a bar closes (default: on every tick)"},
        {"--expires", "TIME", "add: no firing after this UTC time (2026-12-24T18:00) or duration from now (90m, 24h, 7d)"},
        {"--message", "TEXT", "add: your text, printed with each trigger"},
        {"--limit", "N", "log: how many of the newest triggers (default 100)"},
        {"--endpoint", "URL", "run: stream base URL of the --exchange venue (a loopback one also serves REST)"},
        {"--rest", "URL", "run: REST base URL of the --exchange venue"},
        {"--exit-after", "SECONDS", "run: stop after this many seconds (default: until SIGINT/SIGTERM)"},
        {"--db", "FILE", "the alert database (default " + defaultFile + ")"},
    };
    c.maxPositional = 3;
    c.run = runAlerts;
    return c;
}

}  // namespace cpc::cli
