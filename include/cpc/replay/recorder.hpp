#pragma once
// Recorder: the WireTap of `cpc record` — what a market session receives, written to a recording
// directory through a RecordWriter. Each call copies into the writer's pending buffer and returns
// (no system call, no allocation once the buffer has grown); the writer's thread compresses.
#include <atomic>
#include <memory>

#include "cpc/replay/record_writer.hpp"
#include "cpc/session/wire_tap.hpp"

namespace cpc::replay {

class Recorder final : public session::WireTap {
public:
    explicit Recorder(std::unique_ptr<RecordWriter> writer) : m_writer(std::move(writer)) {}

    std::uint32_t opened(int connection, bool rotation, std::string_view url) override;
    void frame(std::uint32_t socket, std::string_view bytes) override;
    void closed(std::uint32_t socket, std::string_view reason) override;
    void switched(std::uint32_t socket, int connection) override;
    void rest(std::string_view method, std::string_view target, int status, std::string_view body) override;

    RecordWriter& writer() { return *m_writer; }

private:
    std::unique_ptr<RecordWriter> m_writer;
    std::atomic<std::uint32_t> m_nextSocket{1};
};

}  // namespace cpc::replay
