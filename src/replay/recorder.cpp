#include "cpc/replay/recorder.hpp"

namespace cpc::replay {

std::uint32_t Recorder::opened(int connection, bool rotation, std::string_view url) {
    const std::uint32_t id = m_nextSocket++;
    m_writer->append(RecordType::Opened, rotation ? 1 : 0, id, connection, url);
    return id;
}

void Recorder::frame(std::uint32_t socket, std::string_view bytes) {
    m_writer->append(RecordType::Frame, 0, socket, 0, bytes);
}

void Recorder::closed(std::uint32_t socket, std::string_view reason) {
    m_writer->append(RecordType::Closed, 0, socket, 0, reason);
}

void Recorder::switched(std::uint32_t socket, int connection) {
    m_writer->append(RecordType::Switched, 0, socket, connection, {});
}

void Recorder::rest(std::string_view method, std::string_view target, int status, std::string_view body) {
    m_writer->appendRest(status, method, target, body);
}

}  // namespace cpc::replay
