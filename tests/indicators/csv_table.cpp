#include "csv_table.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <sstream>

#include "support/fixtures.hpp"

namespace cpc::indicators::test {

const std::vector<double>& CsvTable::at(const std::string& name) const {
    static const std::vector<double> empty;
    auto it = columns.find(name);
    if (it == columns.end()) {
        ADD_FAILURE() << "no column " << name;
        return empty;
    }
    return it->second;
}

CsvTable loadCsv(const std::string& relative) {
    CsvTable t;
    std::istringstream in(cpc::test::readFixture(relative));
    std::string line;
    if (!std::getline(in, line)) return t;
    const auto chomp = [](std::string& l) {
        if (!l.empty() && l.back() == '\r') l.pop_back();
    };
    chomp(line);
    {
        std::istringstream h(line);
        std::string cell;
        while (std::getline(h, cell, ',')) t.header.push_back(cell);
    }
    std::vector<std::vector<double>*> cols;
    for (const auto& name : t.header) cols.push_back(&t.columns[name]);
    while (std::getline(in, line)) {
        chomp(line);
        if (line.empty()) continue;
        std::size_t col = 0;
        std::size_t pos = 0;
        while (col < cols.size()) {
            const auto comma = line.find(',', pos);
            const std::string cell = line.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
            cols[col]->push_back(cell.empty() ? std::numeric_limits<double>::quiet_NaN() : std::stod(cell));
            ++col;
            if (comma == std::string::npos) break;
            pos = comma + 1;
        }
        for (; col < cols.size(); ++col) cols[col]->push_back(std::numeric_limits<double>::quiet_NaN());
        ++t.rows;
    }
    return t;
}

std::vector<Bar> barsOf(const CsvTable& t) {
    std::vector<Bar> bars(t.rows);
    const auto& time = t.at("open_time");
    const auto& o = t.at("open");
    const auto& h = t.at("high");
    const auto& l = t.at("low");
    const auto& c = t.at("close");
    const auto& v = t.at("volume");
    for (std::size_t i = 0; i < t.rows; ++i) bars[i] = Bar{time[i] / 1000.0, o[i], h[i], l[i], c[i], v[i]};
    return bars;
}

std::size_t rowOfTime(const std::vector<Bar>& bars, double openTimeUs) {
    const double ms = openTimeUs / 1000.0;
    auto it = std::lower_bound(bars.begin(), bars.end(), ms, [](const Bar& b, double t) { return b.time < t; });
    if (it == bars.end() || it->time != ms) {
        ADD_FAILURE() << "no bar at " << openTimeUs;
        return 0;
    }
    return static_cast<std::size_t>(it - bars.begin());
}

bool close(double a, double b, double tol) { return std::fabs(a - b) <= tol * std::max(1.0, std::fabs(b)); }

bool sameValue(double a, double b) {
    if (std::isnan(a) && std::isnan(b)) return true;
    return std::memcmp(&a, &b, sizeof a) == 0;
}

}  // namespace cpc::indicators::test
