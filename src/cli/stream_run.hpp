#pragma once
// The body of `cpc stream` once its command line is read, apart from the composition root that
// `runStream` is (one network thread, one MarketSession, one StorageWorker), so a test can run it
// on a session that other users share.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "cpc/core/result.hpp"
#include "cpc/exchange/exchange_adapter.hpp"
#include "command.hpp"

namespace cpc::session { class MarketSession; }
namespace cpc::storage { class StorageWorker; }

namespace cpc::cli {

// What a run's driver (the replay) hands to the run's thread, from any thread: each call lands
// in the run's inbox after every event posted before it, so it takes effect at that point of the
// event sequence.
class RunControl {
public:
    virtual ~RunControl() = default;
    // Events from now on are printed (a run with StreamOptions::holdPrinting: `cpc replay --from`).
    virtual void startPrinting() = 0;
    // The run ends: `notes` are said on stderr, then the stop with `reason` (exit 1 if `failed`).
    virtual void finish(std::string reason, bool failed, std::vector<std::string> notes) = 0;
};

struct StreamOptions {
    std::vector<exchange::StreamSpec> specs;
    // Perpetual kinds served beside the streams (open interest polled over REST on Binance USD-M):
    // printed like those of `specs`.
    std::vector<exchange::StreamKind> perpKinds;
    std::string endpoint;               // the stream base, as "connecting to …" names it
    std::uint64_t maxEvents = 0;        // stop after this many events; 0: no limit
    std::chrono::milliseconds duration{0};  // stop after this long; 0: no limit
    // Events are applied (klines to the run's series) but not printed until startPrinting().
    bool holdPrinting = false;
    // Called on the calling thread once the run has subscribed its streams (the replay starts
    // feeding the session here); the control stays valid after the run ended (calls are dropped).
    std::function<void(std::shared_ptr<RunControl>)> afterSubscribe;
    // Asked on the run's thread at every wake-up: a failure of something beside the session (the
    // recorder's disk) that ends the run (exit 1); empty while all is well.
    std::function<std::string()> healthCheck;
};

// The streams of `--streams` (comma-separated tokens) for each symbol, in order, without
// repeats; an unknown token is an Error listing the accepted ones.
Result<std::vector<exchange::StreamSpec>> parseStreamList(const std::string& text,
                                                          const std::vector<std::string>& symbols);
// Keeps one spec per venue stream of `specs` (Bybit's ticker carries mark, funding and open
// interest) and returns the perpetual kinds among them, to print beside the streams (open interest
// without a stream is polled, not subscribed). An Error for a perpetual kind on spot or a stream
// the market has not (`cpc stream` and `cpc record`).
Result<std::vector<exchange::StreamKind>> keepVenueStreams(std::vector<exchange::StreamSpec>& specs,
                                                           const exchange::ExchangeAdapter& adapter, MarketType market);
// "kline_<interval> (interval: 1s, …), trade, aggTrade, depth, …"
std::string acceptedStreamsText();
// Checks a SYMBOL argument (letters, digits, '-') and returns it upper-cased.
Result<std::string> symbolArg(const std::string& text);
// The venue endpoints of a streaming command from --endpoint / --rest (loopback --endpoint: its
// host serves REST too; a base without a path gets the venue's stream path); a bad URL is an
// Error naming the option.
Result<exchange::Endpoints> streamEndpoints(const ParsedArgs& args, const std::string& venue,
                                            MarketType market = MarketType::Spot);

// Subscribes `options.specs` on `market`'s connection engine of `adapter` as one user, and prints
// every event as a JSON line on `out` (klines through a session::SeriesHub observer: the hub of
// this run keeps the series, its closed candles go to `storage`), connection states on `err`,
// until --max-events, --seconds, SIGINT/SIGTERM or a failure. Everything reaches the calling
// thread through one session::Inbox; printing happens there. Leaves its streams when it ends (the
// session and its other users go on). Returns the exit status: kExitOk, or kExitFailure when the
// connection failed for good. Any thread but `market`'s network thread.
int streamThrough(session::MarketSession& market, std::shared_ptr<const exchange::ExchangeAdapter> adapter,
                  storage::StorageWorker& storage, const StreamOptions& options, std::ostream& out,
                  std::ostream& err, const char* name = "cpc stream");

}  // namespace cpc::cli
