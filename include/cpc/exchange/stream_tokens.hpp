#pragma once
// The stream tokens users write (`cpc stream/record --streams`) and recordings name in their
// header: one parser, so that a recording replays in the app exactly as `cpc replay` reads it.
#include <optional>
#include <string>
#include <string_view>

#include "cpc/exchange/exchange_adapter.hpp"

namespace cpc::exchange {

// "kline_1m", "trade", "aggTrade", "depth", "depth@100ms", "depth5|10|20", "bookTicker", "ticker",
// "miniTicker"; the perpetuals' "markPrice", "funding", "openInterest", "liquidation".
// nullopt for anything else (an unknown token or a kline of an unknown interval).
inline std::optional<StreamSpec> parseStreamToken(const std::string& token, const std::string& symbol) {
    StreamSpec spec;
    spec.symbol = symbol;
    if (token.starts_with("kline_")) {
        const auto interval = parseInterval(std::string_view(token).substr(6));
        if (!interval) return std::nullopt;
        spec.kind = StreamKind::Kline;
        spec.interval = *interval;
    } else if (token == "trade") {
        spec.kind = StreamKind::Trade;
    } else if (token == "aggTrade") {
        spec.kind = StreamKind::AggTrade;
    } else if (token == "depth" || token == "depth@100ms") {
        spec.kind = StreamKind::Depth;
    } else if (token == "depth5" || token == "depth10" || token == "depth20") {
        spec.kind = StreamKind::PartialDepth;
        spec.depthLevels = token == "depth5" ? 5 : token == "depth10" ? 10 : 20;
    } else if (token == "bookTicker") {
        spec.kind = StreamKind::BookTicker;
    } else if (token == "ticker") {
        spec.kind = StreamKind::Ticker;
    } else if (token == "miniTicker") {
        spec.kind = StreamKind::MiniTicker;
    } else if (token == "markPrice") {  // perpetual futures from here on
        spec.kind = StreamKind::MarkPrice;
    } else if (token == "funding") {
        spec.kind = StreamKind::Funding;
    } else if (token == "openInterest") {
        spec.kind = StreamKind::OpenInterest;
    } else if (token == "liquidation") {
        spec.kind = StreamKind::Liquidation;
    } else {
        return std::nullopt;
    }
    return spec;
}

// True for the kinds only perpetual futures have.
inline bool isPerpetualStream(StreamKind kind) {
    return kind == StreamKind::MarkPrice || kind == StreamKind::Funding || kind == StreamKind::OpenInterest ||
           kind == StreamKind::Liquidation;
}

}  // namespace cpc::exchange
