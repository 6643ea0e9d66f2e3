#pragma once
// Shared plumbing for the concrete indicators (private to cpc_indicators).
//
// A concrete indicator D derives IndicatorImpl<D> and provides
//   void resetState();                          // back to "no bars seen"
//   void step(const Bar& bar, std::int64_t i);  // process row i, write outputs with put()
// computeAll() and update() both drive the same step(), so batch and incremental results are
// identical by construction; kernels inside D handle "row i again" as a revision (Checkpoint).
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "cpc/indicators/indicator.hpp"
#include "kernels.hpp"

namespace cpc::indicators::detail {

template <class D>
class IndicatorImpl : public Indicator {
public:
    void reset() final {
        for (auto& c : m_columns) c.clear();
        m_rows = 0;
        self().resetState();
    }
    void computeAll(std::span<const Bar> bars) final {
        reset();
        for (auto& c : m_columns) c.assign(bars.size(), kNaN);
        D& d = self();
        for (std::size_t i = 0; i < bars.size(); ++i) {
            m_row = i;
            m_rows = i + 1;
            d.step(bars[i], static_cast<std::int64_t>(i));
        }
    }
    void update(const Bar& bar, bool isNewBar) final {
        if (isNewBar || m_rows == 0) {
            for (auto& c : m_columns) c.push_back(kNaN);
            ++m_rows;
        } else {
            for (auto& c : m_columns) c.back() = kNaN;
        }
        m_row = m_rows - 1;
        self().step(bar, static_cast<std::int64_t>(m_row));
    }

protected:
    IndicatorImpl(const IndicatorInfo& info, std::vector<double> params) : Indicator(info, std::move(params)) {}
    void put(std::size_t output, double v) { m_columns[output][m_row] = v; }
    int intParam(std::size_t i) const { return static_cast<int>(params()[i]); }
    double realParam(std::size_t i) const { return params()[i]; }

private:
    D& self() { return static_cast<D&>(*this); }
    std::size_t m_row = 0;
};

using Factory = std::function<std::unique_ptr<Indicator>(const IndicatorInfo&, std::vector<double>)>;

struct RegistryEntry {
    IndicatorInfo info;
    Factory factory;
    // Extra validation after the range checks (e.g. "slowperiod must differ from fastperiod");
    // returns an empty string when the values are acceptable.
    std::function<std::string(std::span<const double>)> check;
};

class RegistryBuilder {
public:
    explicit RegistryBuilder(std::vector<RegistryEntry>& out) : m_out(out) {}
    template <class T>
    void add(IndicatorInfo info, std::function<std::string(std::span<const double>)> check = {}) {
        m_out.push_back(RegistryEntry{
            std::move(info),
            [](const IndicatorInfo& i, std::vector<double> p) -> std::unique_ptr<Indicator> {
                return std::unique_ptr<Indicator>(new T(i, std::move(p)));
            },
            std::move(check)});
    }

private:
    std::vector<RegistryEntry>& m_out;
};

// Compact IndicatorInfo construction for the tables in the *_indicators.cpp files.
ParamInfo periodParam(std::string name, int def, int min = 2, std::string description = "number of bars");
ParamInfo realParam(std::string name, double def, double min, double max, std::string description);
ParamInfo maTypeParam(std::string name, int def = 0);
IndicatorInfo makeInfo(std::string name, std::string title, IndicatorGroup group, Placement placement,
                       std::vector<std::string> inputs, std::vector<ParamInfo> params,
                       std::vector<std::string> outputs);

void registerOverlap(RegistryBuilder& r);
void registerMomentum(RegistryBuilder& r);
void registerVolumeVolatility(RegistryBuilder& r);
void registerStatistics(RegistryBuilder& r);
void registerStudies(RegistryBuilder& r);

}  // namespace cpc::indicators::detail
