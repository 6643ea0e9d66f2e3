// Binance's dialect: GET /api/v3/*, /ws/<stream> and /stream?streams=…, SUBSCRIBE/UNSUBSCRIBE/
// LIST_SUBSCRIPTIONS/SET_PROPERTY/GET_PROPERTY, server pings, serverShutdown.
#include <algorithm>
#include <cctype>
#include <functional>

#include <nlohmann/json.hpp>

#include "dialect.hpp"

namespace cpc::sim {

namespace {

using ojson = nlohmann::ordered_json;

std::string errorReply(int code, const std::string& msg, const ojson& id) {
    ojson j;
    j["error"] = ojson{{"code", code}, {"msg", msg}};
    j["id"] = id;
    return j.dump();
}

std::vector<std::string> splitStreams(std::string_view text) {
    std::vector<std::string> out;
    while (!text.empty()) {
        const std::size_t slash = text.find('/');
        if (slash != 0) out.emplace_back(text.substr(0, slash));
        if (slash == std::string_view::npos) break;
        text.remove_prefix(slash + 1);
    }
    return out;
}

// Binance's control protocol over a stream factory: the spot dialect's and, through
// makeBinanceControlProtocol(), the USD-M one's (dialect_binance_perp.cpp).
class BinanceProtocol final : public WsProtocol {
public:
    using Create = std::function<std::unique_ptr<StreamProducer>(std::string_view)>;
    BinanceProtocol(Create create, std::size_t maxStreams, bool combined)
        : m_create(std::move(create)), m_maxStreams(maxStreams), m_combined(combined) {}

    std::vector<std::string> onText(const std::string& text, WsSubscriptions& subs) override {
        return {handleControl(text, subs)};
    }

    std::string wrap(const std::string& name, std::string payload) const override {
        if (!m_combined) return payload;
        return "{\"stream\":\"" + name + "\",\"data\":" + payload + "}";
    }

private:
    std::string handleControl(const std::string& text, WsSubscriptions& subs);

    Create m_create;
    std::size_t m_maxStreams;
    bool m_combined;
};

class BinanceDialect final : public Dialect {
public:
    explicit BinanceDialect(const DialectEnv& env)
        : m_env(env), m_routes(makeBinanceRoutes()),
          m_streams(makeBinanceStreams(env.model, env.book, env.config.klinePushInterval)) {}

    std::string name() const override { return "binance"; }
    const RestRouter& routes() const override { return m_routes; }

    HttpReply restError(RestProblem problem, const std::string& message, int status) const override {
        switch (problem) {
            case RestProblem::Unavailable: return HttpReply{status, "<html><body>503 Service Unavailable</body></html>", {}};
            case RestProblem::TooMany:
            case RestProblem::Banned: return binanceError(-1003, message, status);
            case RestProblem::NotFound:
                return binanceError(-1000, message + "; the simulator serves " + paths() +
                                               ", /ws/<stream> and /stream?streams=<a>/<b>.",
                                    status);
            case RestProblem::BadMethod:
            case RestProblem::BadTarget: break;
        }
        return binanceError(-1000, message, status);
    }

    std::string usedWeightHeader() const override { return "X-MBX-USED-WEIGHT-1M"; }

    WsAccept acceptWebSocket(const ParsedTarget& target) const override {
        WsAccept a;
        bool combined = false;
        if (target.path == "/ws" || target.path.starts_with("/ws/")) {
            a.streams = splitStreams(std::string_view(target.path).substr(3));
        } else if (target.path == "/stream" || target.path == "/stream/") {
            combined = true;
            a.streams = splitStreams(target.param("streams").value_or(""));
        } else {
            a.rejectStatus = 404;
            a.rejectBody = errorReply(2, "Invalid request: unknown WebSocket path '" + target.path +
                                             "'; use /ws/<stream> or /stream?streams=<a>/<b>",
                                      nullptr);
            return a;
        }
        for (const std::string& name : a.streams) {
            if (!m_streams.valid(name)) {
                a.rejectStatus = 400;
                a.rejectBody = errorReply(2, "Invalid request: invalid stream", nullptr);
                return a;
            }
        }
        if (a.streams.size() > maxStreams()) {
            a.rejectStatus = 400;
            a.rejectBody = errorReply(
                2, "Invalid request: too many streams; at most " + std::to_string(maxStreams()) + " per connection",
                nullptr);
            return a;
        }
        a.protocol = std::make_unique<BinanceProtocol>([this](std::string_view name) { return createStream(name); },
                                                       maxStreams(), combined);
        return a;
    }

    std::unique_ptr<StreamProducer> createStream(std::string_view name) const override { return m_streams.create(name); }
    bool serverPings() const override { return true; }
    std::chrono::milliseconds heartbeatTimeout() const override { return m_env.config.pongTimeout; }
    std::string malformedFrame() const override {
        return "{\"stream\":\"btcusdt@kline_1m\",\"data\":{\"e\":\"kline\",\"k\":";
    }
    std::optional<std::string> shutdownNotice(std::int64_t nowMs) const override {
        return "{\"stream\":\"!serverShutdown\",\"data\":{\"e\":\"serverShutdown\",\"E\":" + std::to_string(nowMs) +
               "}}";
    }

    std::vector<std::string> exampleUrls(const std::string& rest, const std::string& stream) const override {
        return {rest + "/api/v3/klines?symbol=BTCUSDT&interval=1m&limit=5", stream + "/ws/btcusdt@kline_1m"};
    }

    std::size_t maxStreams() const { return m_env.config.maxStreamsPerConnection; }

private:
    std::string paths() const {
        std::string accepted;
        for (const std::string& p : m_routes.paths()) accepted += (accepted.empty() ? "" : ", ") + p;
        return accepted;
    }

    DialectEnv m_env;
    RestRouter m_routes;
    StreamRegistry m_streams;
};

// SUBSCRIBE / UNSUBSCRIBE / LIST_SUBSCRIPTIONS / SET_PROPERTY / GET_PROPERTY, with Binance's
// replies {"result":…,"id":…} and wrapped errors {"error":{"code":…,"msg":…},"id":…}.
std::string BinanceProtocol::handleControl(const std::string& text, WsSubscriptions& subs) {
    ojson request;
    try {
        request = ojson::parse(text);
    } catch (const ojson::parse_error& e) {
        return errorReply(3, "Invalid JSON: expected value at line 1 column " + std::to_string(e.byte), nullptr);
    }
    const std::string column = std::to_string(text.size());
    if (!request.is_object()) return errorReply(2, "Invalid request: expected a JSON object", nullptr);
    ojson id = nullptr;
    if (request.contains("id")) id = request["id"];
    // Binance: a signed 64-bit integer, an alphanumeric string of at most 36 characters, or null.
    const std::string idText = id.is_string() ? id.get<std::string>() : std::string();
    const bool idOk = id.is_null() || id.is_number_integer() ||
                      (id.is_string() && idText.size() <= 36 &&
                       std::all_of(idText.begin(), idText.end(), [](unsigned char c) { return std::isalnum(c) != 0; }));
    if (!request.contains("id") || !idOk)
        return errorReply(2, "Invalid request: request ID must be an unsigned integer", nullptr);
    if (!request.contains("method"))
        return errorReply(2, "Invalid request: missing field `method` at line 1 column " + column, id);
    const std::string method =
        request["method"].is_string() ? request["method"].get<std::string>() : request["method"].dump();
    const ojson params = request.contains("params") ? request["params"] : ojson::array();

    ojson reply;
    if (method == "SUBSCRIBE" || method == "UNSUBSCRIBE") {
        if (!params.is_array()) return errorReply(2, "Invalid request: params must be an array", id);
        std::vector<std::string> names;
        for (const auto& p : params) {
            if (!p.is_string()) return errorReply(2, "Invalid request: invalid stream", id);
            names.push_back(p.get<std::string>());
        }
        if (method == "SUBSCRIBE") {
            std::vector<std::pair<std::string, std::unique_ptr<StreamProducer>>> added;
            for (const std::string& name : names) {
                if (subs.has(name) ||
                    std::any_of(added.begin(), added.end(), [&](const auto& s) { return s.first == name; }))
                    continue;
                auto producer = m_create(name);
                if (!producer) return errorReply(2, "Invalid request: invalid stream", id);
                added.emplace_back(name, std::move(producer));
            }
            if (subs.count() + added.size() > m_maxStreams)
                return errorReply(2, "Invalid request: too many streams; at most " +
                                         std::to_string(m_maxStreams) + " per connection",
                                  id);
            for (auto& [name, producer] : added) subs.add(name, std::move(producer));
        } else {
            for (const std::string& name : names) subs.remove(name);
        }
        reply["result"] = nullptr;
    } else if (method == "LIST_SUBSCRIPTIONS") {
        reply["result"] = ojson::array();
        for (const std::string& name : subs.names()) reply["result"].push_back(name);
    } else if (method == "SET_PROPERTY" || method == "GET_PROPERTY") {
        if (!params.is_array() || params.empty() || !params[0].is_string())
            return errorReply(2, "Invalid request: property name must be a string", id);
        if (params[0].get<std::string>() != "combined") return errorReply(0, "Unknown property", id);
        if (method == "SET_PROPERTY") {
            if (params.size() != 2 || !params[1].is_boolean())
                return errorReply(1, "Invalid value type: expected Boolean", id);
            m_combined = params[1].get<bool>();
            reply["result"] = nullptr;
        } else {
            if (params.size() != 1) return errorReply(2, "Invalid request: too many parameters", id);
            reply["result"] = m_combined;
        }
    } else {
        return errorReply(2, "Invalid request: unknown variant `" + method +
                                 "`, expected one of `SUBSCRIBE`, `UNSUBSCRIBE`, `LIST_SUBSCRIPTIONS`, "
                                 "`SET_PROPERTY`, `GET_PROPERTY` at line 1 column " + column,
                          id);
    }
    reply["id"] = id;
    return reply.dump();
}

}  // namespace

std::unique_ptr<Dialect> makeBinanceDialect(const DialectEnv& env) { return std::make_unique<BinanceDialect>(env); }

std::unique_ptr<WsProtocol> makeBinanceControlProtocol(std::function<std::unique_ptr<StreamProducer>(std::string_view)> create,
                                                       std::size_t maxStreams, bool combined) {
    return std::make_unique<BinanceProtocol>(std::move(create), maxStreams, combined);
}

std::unique_ptr<Dialect> makeDialect(std::string_view name, const DialectEnv& env) {
    // Perpetual futures: Binance USD-M, Bybit linear, OKX swaps (dialect_<venue>_perp.cpp); KuCoin
    // futures are a separate API (SimServer::start says so).
    if (env.config.market == MarketType::Perp) {
        if (name == "binance") return makeBinancePerpDialect(env);
        if (name == "bybit") return makeBybitPerpDialect(env);
        if (name == "okx") return makeOkxPerpDialect(env);
        return nullptr;
    }
    if (name == "binance") return makeBinanceDialect(env);
    if (name == "bybit") return makeBybitDialect(env);
    if (name == "okx") return makeOkxDialect(env);
    if (name == "kucoin") return makeKucoinDialect(env);
    return nullptr;
}

}  // namespace cpc::sim
