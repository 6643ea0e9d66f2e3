#pragma once
// WireTap: what a recorder (replay::Recorder, `cpc record`) is handed of a market session's wire
// traffic — every WebSocket frame as received, the connection events around them and the REST
// answers the session used. Set as StreamSessionConfig::tap (MarketSessionConfig::streams.tap
// also reaches the session's VenueRest clients); null, the default, costs one pointer test per
// frame. Called on the network thread only, synchronously, so an implementation must not block:
// replay::Recorder copies into a buffer that its own thread compresses and writes.
#include <cstdint>
#include <string_view>

namespace cpc::session {

class WireTap {
public:
    virtual ~WireTap() = default;
    // A WebSocket of the connection `connection` (StreamStats' index) opened to `url`; `rotation`:
    // the new socket of a make-before-break rotation, read into a buffer until switched(). Returns
    // the socket's id, which names it in frame() / closed() / switched().
    virtual std::uint32_t opened(int connection, bool rotation, std::string_view url) = 0;
    // One frame exactly as received on socket `socket`, before anything reads it.
    virtual void frame(std::uint32_t socket, std::string_view bytes) = 0;
    // The socket's reading ended (the venue closed it, the network failed, the session dropped it).
    virtual void closed(std::uint32_t socket, std::string_view reason) = 0;
    // The rotation's new socket became its connection's socket (its buffered frames are handled now).
    virtual void switched(std::uint32_t socket, int connection) = 0;
    // The answer a REST request got (status 0: no answer, `body` is the error).
    virtual void rest(std::string_view method, std::string_view target, int status, std::string_view body) = 0;
};

}  // namespace cpc::session
