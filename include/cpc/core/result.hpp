#pragma once
// Result<T>: a value or an Error. Parsers, request builders and database calls return it;
// nothing throws across module or thread boundaries.
#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace cpc {

struct Error {
    std::string message;
    int code = 0;  // venue error code (e.g. Binance -1121) or HTTP status; 0 when not applicable
};

template <class T>
class [[nodiscard]] Result {
public:
    Result(T value) : m_v(std::in_place_index<0>, std::move(value)) {}          // NOLINT implicit
    Result(Error error) : m_v(std::in_place_index<1>, std::move(error)) {}      // NOLINT implicit

    bool ok() const { return m_v.index() == 0; }
    explicit operator bool() const { return ok(); }

    T& value() & { assert(ok()); return std::get<0>(m_v); }
    const T& value() const& { assert(ok()); return std::get<0>(m_v); }
    T&& value() && { assert(ok()); return std::get<0>(std::move(m_v)); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    T&& operator*() && { return std::move(*this).value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }

    const Error& error() const { assert(!ok()); return std::get<1>(m_v); }

private:
    std::variant<T, Error> m_v;
};

struct Ok {};  // Result<Ok> for operations that return nothing on success

inline Error makeError(std::string message, int code = 0) { return Error{std::move(message), code}; }

}  // namespace cpc
