#pragma once
// The body of `cpc stream` once its command line is read, apart from the composition root that
// `runStream` is (one network thread, one MarketSession, one StorageWorker), so a test can run it
// on a session that other users share.
#include <chrono>
#include <cstdint>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "cpc/exchange/exchange_adapter.hpp"

namespace cpc::session { class MarketSession; }
namespace cpc::storage { class StorageWorker; }

namespace cpc::cli {

struct StreamOptions {
    std::vector<exchange::StreamSpec> specs;
    std::string endpoint;               // the stream base, as "connecting to …" names it
    std::uint64_t maxEvents = 0;        // stop after this many events; 0: no limit
    std::chrono::milliseconds duration{0};  // stop after this long; 0: no limit
};

// Subscribes `options.specs` on `market`'s connection engine of `adapter` as one user, and prints
// every event as a JSON line on `out` (klines through a session::SeriesHub observer: the hub of
// this run keeps the series, its closed candles go to `storage`), connection states on `err`,
// until --max-events, --seconds, SIGINT/SIGTERM or a failure. Everything reaches the calling
// thread through one session::Inbox; printing happens there. Leaves its streams when it ends (the
// session and its other users go on). Returns the exit status: kExitOk, or kExitFailure when the
// connection failed for good. Any thread but `market`'s network thread.
int streamThrough(session::MarketSession& market, std::shared_ptr<const exchange::ExchangeAdapter> adapter,
                  storage::StorageWorker& storage, const StreamOptions& options, std::ostream& out,
                  std::ostream& err);

}  // namespace cpc::cli
