#pragma once
// A numeric CSV with a header row, read into columns. Empty cells are NaN.
#include <map>
#include <string>
#include <vector>

#include "cpc/indicators/bar.hpp"

namespace cpc::indicators::test {

struct CsvTable {
    std::vector<std::string> header;
    std::map<std::string, std::vector<double>> columns;
    std::size_t rows = 0;
    const std::vector<double>& at(const std::string& name) const;
};

// tests/fixtures/<relative>; fails the current test when unreadable.
CsvTable loadCsv(const std::string& relative);
// Bars from open_time (µs), open, high, low, close, volume.
std::vector<Bar> barsOf(const CsvTable& t);
// Rows of `t` keyed by open_time (µs) → row index in `bars`.
std::size_t rowOfTime(const std::vector<Bar>& bars, double openTimeUs);

// |a - b| <= tol * max(1, |b|): relative 1e-9, absolute 1e-9 near zero.
bool close(double a, double b, double tol = 1e-9);
// Same bits, or both NaN.
bool sameValue(double a, double b);

}  // namespace cpc::indicators::test
