#include "cpc/indicators/registry.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <sstream>

#include "cpc/core/ascii.hpp"
#include "indicator_impl.hpp"

namespace cpc::indicators {
namespace detail {

ParamInfo periodParam(std::string name, int def, int min, std::string description) {
    return ParamInfo{std::move(name), static_cast<double>(def), static_cast<double>(min), 100000.0, true,
                     std::move(description)};
}

ParamInfo realParam(std::string name, double def, double min, double max, std::string description) {
    return ParamInfo{std::move(name), def, min, max, false, std::move(description)};
}

ParamInfo maTypeParam(std::string name, int def) {
    return ParamInfo{std::move(name), static_cast<double>(def), 0.0, 8.0, true,
                     "moving average type: 0 SMA, 1 EMA, 2 WMA, 3 DEMA, 4 TEMA, 5 TRIMA, 6 KAMA, 7 MAMA, 8 T3"};
}

IndicatorInfo makeInfo(std::string name, std::string title, IndicatorGroup group, Placement placement,
                       std::vector<std::string> inputs, std::vector<ParamInfo> params,
                       std::vector<std::string> outputs) {
    IndicatorInfo info;
    info.name = std::move(name);
    info.title = std::move(title);
    info.group = group;
    info.placement = placement;
    info.inputs = std::move(inputs);
    info.params = std::move(params);
    for (auto& o : outputs) info.outputs.push_back(OutputInfo{std::move(o), 0, false});
    return info;
}

// cycle_indicators.cpp: MAMA and the Hilbert-transform functions (HT_*).
void registerCycle(RegistryBuilder& r);

}  // namespace detail

namespace {

struct Registry {
    std::vector<detail::RegistryEntry> entries;  // sorted by name; never modified after build
    std::vector<const IndicatorInfo*> infos;

    Registry() {
        detail::RegistryBuilder b(entries);
        detail::registerOverlap(b);
        detail::registerMomentum(b);
        detail::registerVolumeVolatility(b);
        detail::registerStatistics(b);
        detail::registerStudies(b);
        detail::registerCycle(b);
        std::sort(entries.begin(), entries.end(),
                  [](const auto& a, const auto& c) { return a.info.name < c.info.name; });
        for (const auto& e : entries) infos.push_back(&e.info);
    }

    const detail::RegistryEntry* find(std::string_view name) const {
        const std::string key = toUpperAscii(name);
        auto it = std::lower_bound(entries.begin(), entries.end(), key,
                                   [](const auto& e, const std::string& k) { return e.info.name < k; });
        return it != entries.end() && it->info.name == key ? &*it : nullptr;
    }
};

const Registry& registry() {
    static const Registry r;
    return r;
}

std::string formatNumber(double v) {
    std::ostringstream os;
    os << v;
    return os.str();
}

std::string paramNames(const IndicatorInfo& info) {
    if (info.params.empty()) return "none";
    std::string s;
    for (const auto& p : info.params) {
        if (!s.empty()) s += ", ";
        s += p.name;
    }
    return s;
}

std::string rangeText(const ParamInfo& p) {
    return std::string(p.integer ? "an integer" : "a number") + " in [" + formatNumber(p.minValue) + ", " +
           formatNumber(p.maxValue) + "]";
}

Result<std::unique_ptr<Indicator>> build(const detail::RegistryEntry& e, std::vector<double> values) {
    const IndicatorInfo& info = e.info;
    for (std::size_t i = 0; i < info.params.size(); ++i) {
        const ParamInfo& p = info.params[i];
        const double v = values[i];
        const bool okNumber = std::isfinite(v) && (!p.integer || std::floor(v) == v);
        if (!okNumber || v < p.minValue || v > p.maxValue) {
            return makeError(info.name + ": " + p.name + " must be " + rangeText(p) + " (" + p.description +
                             "), got " + formatNumber(v));
        }
    }
    if (e.check) {
        if (std::string why = e.check(values); !why.empty()) return makeError(info.name + ": " + why);
    }
    return e.factory(info, std::move(values));
}

std::string unknownName(std::string_view name) {
    std::string msg = "unknown indicator '" + std::string(name) + "'; known indicators: ";
    bool first = true;
    for (const auto* info : registry().infos) {
        if (!first) msg += ", ";
        msg += info->name;
        first = false;
    }
    return msg;
}

}  // namespace

const std::vector<const IndicatorInfo*>& allIndicators() { return registry().infos; }

std::vector<std::string> indicatorNames() {
    std::vector<std::string> names;
    for (const auto* info : registry().infos) names.push_back(info->name);
    return names;
}

const IndicatorInfo* findIndicator(std::string_view name) {
    const auto* e = registry().find(name);
    return e ? &e->info : nullptr;
}

Result<std::unique_ptr<Indicator>> create(std::string_view name, std::span<const double> params) {
    const auto* e = registry().find(name);
    if (!e) return makeError(unknownName(name));
    const IndicatorInfo& info = e->info;
    if (params.size() > info.params.size()) {
        return makeError(info.name + " takes at most " + std::to_string(info.params.size()) + " parameter" +
                         (info.params.size() == 1 ? "" : "s") + " (" + paramNames(info) + "), got " +
                         std::to_string(params.size()));
    }
    std::vector<double> values;
    for (std::size_t i = 0; i < info.params.size(); ++i) {
        values.push_back(i < params.size() ? params[i] : info.params[i].defaultValue);
    }
    return build(*e, std::move(values));
}

Result<std::unique_ptr<Indicator>> create(std::string_view name, std::initializer_list<double> params) {
    return create(name, std::span<const double>(params.begin(), params.size()));
}

Result<std::unique_ptr<Indicator>> create(std::string_view name, std::span<const NamedParam> params) {
    const auto* e = registry().find(name);
    if (!e) return makeError(unknownName(name));
    const IndicatorInfo& info = e->info;
    std::vector<double> values;
    for (const auto& p : info.params) values.push_back(p.defaultValue);
    std::vector<bool> seen(info.params.size(), false);
    for (const auto& np : params) {
        const std::string key = toLowerAscii(np.name);
        auto it = std::find_if(info.params.begin(), info.params.end(), [&](const ParamInfo& p) { return p.name == key; });
        if (it == info.params.end()) {
            return makeError(info.name + " has no parameter '" + np.name + "'; accepted: " + paramNames(info));
        }
        const auto idx = static_cast<std::size_t>(it - info.params.begin());
        if (seen[idx]) return makeError(info.name + ": parameter '" + it->name + "' given twice");
        seen[idx] = true;
        values[idx] = np.value;
    }
    return build(*e, std::move(values));
}

Result<std::unique_ptr<Indicator>> create(std::string_view name, std::initializer_list<NamedParam> params) {
    return create(name, std::span<const NamedParam>(params.begin(), params.size()));
}

Result<std::unique_ptr<Indicator>> createFromSpec(std::string_view spec) {
    std::string s;
    for (char c : spec) {
        if (!std::isspace(static_cast<unsigned char>(c))) s += c;
    }
    const auto bad = [&](const std::string& why) {
        return makeError("bad indicator spec '" + std::string(spec) + "': " + why +
                         "; expected NAME, NAME(12,26,9) or NAME(fastperiod=12,slowperiod=26)");
    };
    const auto open = s.find('(');
    const std::string name = s.substr(0, open);
    if (name.empty()) return bad("missing indicator name");
    if (open == std::string::npos) return create(name, std::span<const double>{});
    if (s.back() != ')') return bad("missing ')'");
    const std::string body = s.substr(open + 1, s.size() - open - 2);
    if (body.empty()) return create(name, std::span<const double>{});
    std::vector<double> positional;
    std::vector<NamedParam> named;
    std::size_t pos = 0;
    while (pos <= body.size()) {
        const auto comma = body.find(',', pos);
        const std::string item = body.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
        const auto eq = item.find('=');
        const std::string valueText = eq == std::string::npos ? item : item.substr(eq + 1);
        double v = 0;
        const auto* first = valueText.data();
        const auto* last = valueText.data() + valueText.size();
        auto [ptr, ec] = std::from_chars(first, last, v);
        if (valueText.empty() || ec != std::errc() || ptr != last) {
            // A named choice parameter may be given by its choice's name: "CVD(anchor=day)".
            std::optional<double> choice;
            if (eq != std::string::npos) {
                if (const IndicatorInfo* info = findIndicator(name)) {
                    const std::string key = toLowerAscii(item.substr(0, eq));
                    for (const ParamInfo& p : info->params)
                        if (p.name == key) choice = choiceValue(p, valueText);
                }
            }
            if (!choice) return bad("'" + item + "' is not a number");
            v = *choice;
        }
        if (eq == std::string::npos) {
            if (!named.empty()) return bad("positional value after a named one");
            positional.push_back(v);
        } else {
            if (eq == 0) return bad("missing parameter name before '='");
            named.push_back(NamedParam{item.substr(0, eq), v});
        }
        if (comma == std::string::npos) break;
        pos = comma + 1;
    }
    if (!named.empty() && !positional.empty()) return bad("mix of positional and named values");
    if (!named.empty()) return create(name, std::span<const NamedParam>(named));
    return create(name, std::span<const double>(positional));
}

std::optional<double> choiceValue(const ParamInfo& param, std::string_view name) {
    const std::string key = toLowerAscii(name);
    for (std::size_t i = 0; i < param.choices.size(); ++i)
        if (toLowerAscii(param.choices[i]) == key) return static_cast<double>(i);
    return std::nullopt;
}

std::string describe(const IndicatorInfo& info) {
    std::string s = info.name + "(";
    for (std::size_t i = 0; i < info.params.size(); ++i) {
        if (i) s += ", ";
        s += info.params[i].name + "=" + formatNumber(info.params[i].defaultValue);
    }
    s += ") -> ";
    for (std::size_t i = 0; i < info.outputs.size(); ++i) {
        if (i) s += ", ";
        s += info.outputs[i].name;
    }
    return s;
}

}  // namespace cpc::indicators
