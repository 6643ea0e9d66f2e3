#include "cpc/app/indicator_spec.hpp"

#include <QCoreApplication>
#include <QStringList>
#include <cmath>

#include "cpc/indicators/registry.hpp"

namespace cpc::app {

namespace {
QString number(double v) { return QString::number(v, 'g', 12); }
}  // namespace

QString IndicatorSpec::specText() const {
    QStringList parts;
    for (const double p : params) parts << number(p);
    return parts.isEmpty() ? name : name + QLatin1Char('(') + parts.join(QLatin1Char(',')) + QLatin1Char(')');
}

QString IndicatorSpec::title() const {
    QStringList parts{name};
    QStringList choices;
    const indicators::IndicatorInfo* info = indicators::findIndicator(name.toStdString());
    for (std::size_t i = 0; i < params.size(); ++i) {
        const indicators::ParamInfo* param = info && i < info->params.size() ? &info->params[i] : nullptr;
        if (!param || param->choices.empty()) {
            parts << number(params[i]);
            continue;
        }
        // A choice by its name, not its number ("CVD 1 1" read as nothing); the default choice
        // (no anchor, the klines) goes without saying.
        const double index = std::round(params[i]);
        if (index == param->defaultValue || index < 0 || index >= static_cast<double>(param->choices.size())) continue;
        choices << choiceTitle(param->choices[static_cast<std::size_t>(index)]);
    }
    QString title = parts.join(QLatin1Char(' '));
    if (!choices.isEmpty()) title += QLatin1Char(' ') + choices.join(QStringLiteral(", "));
    return title;
}

QString choiceTitle(const std::string& choice) {
    static const std::pair<const char*, const char*> titles[] = {
        {"none", QT_TRANSLATE_NOOP("IndicatorSpec", "no anchor")},
        {"day", QT_TRANSLATE_NOOP("IndicatorSpec", "day")},
        {"session", QT_TRANSLATE_NOOP("IndicatorSpec", "session")},
        {"klines", QT_TRANSLATE_NOOP("IndicatorSpec", "klines")},
        {"trades", QT_TRANSLATE_NOOP("IndicatorSpec", "trades")},
    };
    for (const auto& [key, text] : titles)
        if (choice == key) return QCoreApplication::translate("IndicatorSpec", text);
    return QString::fromStdString(choice);
}

QColor IndicatorSpec::colour(std::size_t index) const {
    if (index < colours.size() && colours[index].isValid()) return colours[index];
    return defaultIndicatorColour(index);
}

std::vector<double> defaultLevels(const QString& name) {
    if (name == QLatin1String("RSI") || name == QLatin1String("ULTOSC")) return {30, 70};
    if (name == QLatin1String("STOCH") || name == QLatin1String("STOCHF") || name == QLatin1String("STOCHRSI") ||
        name == QLatin1String("MFI"))
        return {20, 80};
    if (name == QLatin1String("WILLR")) return {-80, -20};
    if (name == QLatin1String("CCI")) return {-100, 100};
    return {};
}

std::optional<ValueRange> oscillatorRange(const QString& name) {
    static const QStringList zeroToHundred{QStringLiteral("RSI"),  QStringLiteral("STOCH"), QStringLiteral("STOCHF"),
                                           QStringLiteral("STOCHRSI"), QStringLiteral("MFI"), QStringLiteral("ULTOSC"),
                                           QStringLiteral("AROON"), QStringLiteral("ADX"), QStringLiteral("ADXR"),
                                           QStringLiteral("DX")};
    if (zeroToHundred.contains(name)) return ValueRange{0, 100};
    if (name == QLatin1String("WILLR")) return ValueRange{-100, 0};
    if (name == QLatin1String("AROONOSC") || name == QLatin1String("CMO")) return ValueRange{-100, 100};
    return std::nullopt;
}

bool needsTakerBuyVolume(const QString& name) { return name == QLatin1String("CVD"); }

bool klinesCarryTakerBuyVolume(const std::string& exchange) { return exchange == "binance"; }

std::vector<double> traderDefaultParams(const indicators::IndicatorInfo& info) {
    std::vector<double> params;
    for (const auto& p : info.params) params.push_back(p.defaultValue);
    const auto set = [&](const char* param, double value) {
        for (std::size_t i = 0; i < info.params.size(); ++i)
            if (info.params[i].name == param) params[i] = value;
    };
    if (info.name == "BBANDS") {
        set("timeperiod", 20);
    } else if (info.name == "STOCH") {
        set("fastk_period", 14);
    }
    return params;
}

QColor defaultIndicatorColour(std::size_t index) {
    static const QColor palette[] = {QColor(0x29, 0x62, 0xff), QColor(0xff, 0x6d, 0x00), QColor(0x26, 0xa6, 0x9a),
                                     QColor(0xe9, 0x1e, 0x63), QColor(0x9c, 0x27, 0xb0), QColor(0xfb, 0xc0, 0x2d),
                                     QColor(0x00, 0xbc, 0xd4), QColor(0x8d, 0x6e, 0x63)};
    return palette[index % std::size(palette)];
}

IndicatorSpec defaultSpec(const indicators::IndicatorInfo& info) {
    IndicatorSpec spec;
    spec.name = QString::fromStdString(info.name);
    spec.params = traderDefaultParams(info);
    for (std::size_t i = 0; i < info.outputs.size(); ++i) spec.colours.push_back(defaultIndicatorColour(i));
    spec.placement = info.placement;
    spec.levels = defaultLevels(spec.name);
    return spec;
}

QString serializeIndicatorSpec(const IndicatorSpec& spec) {
    QStringList colours;
    for (std::size_t i = 0; i < spec.colours.size(); ++i) colours << spec.colour(i).name();
    QString text = spec.specText() + QLatin1Char(' ') +
                   (spec.placement == indicators::Placement::Overlay ? QStringLiteral("overlay") : QStringLiteral("pane"));
    if (!colours.isEmpty()) text += QLatin1Char(' ') + colours.join(QLatin1Char(','));
    // Properties only when they are not the defaults: a plain spec reads as it always did.
    bool styled = false;
    QStringList styles;
    for (std::size_t i = 0; i < spec.styles.size(); ++i) {
        styled = styled || spec.styles[i] != LineStyle{};
        styles << number(spec.styles[i].width) + QLatin1Char(':') + QString::fromUtf8(toString(spec.styles[i].dash).data());
    }
    if (styled) text += QStringLiteral(" styles=") + styles.join(QLatin1Char(','));
    if (spec.levels != defaultLevels(spec.name)) {
        QStringList levels;
        for (const double l : spec.levels) levels << number(l);
        text += QStringLiteral(" levels=") + levels.join(QLatin1Char(','));
    }
    if (spec.paneHeight > 0) text += QStringLiteral(" height=") + QString::number(spec.paneHeight, 'g', 4);
    if (spec.hidden) text += QStringLiteral(" hidden");
    return text;
}

std::optional<IndicatorSpec> parseIndicatorSpec(const QString& text) {
    const QStringList fields = text.trimmed().split(QLatin1Char(' '), Qt::SkipEmptyParts);
    if (fields.isEmpty()) return std::nullopt;
    // Validates name and parameters through the registry (ranges included).
    auto made = indicators::createFromSpec(fields[0].toStdString());
    if (!made) return std::nullopt;
    const indicators::Indicator& ind = **made;
    IndicatorSpec spec;
    spec.name = QString::fromStdString(ind.info().name);
    spec.params.assign(ind.params().begin(), ind.params().end());
    spec.placement = ind.info().placement;
    if (fields.size() > 1) {
        if (fields[1] == QLatin1String("overlay")) spec.placement = indicators::Placement::Overlay;
        else if (fields[1] == QLatin1String("pane")) spec.placement = indicators::Placement::Pane;
        else return std::nullopt;
    }
    for (std::size_t i = 0; i < ind.outputCount(); ++i) spec.colours.push_back(defaultIndicatorColour(i));
    spec.levels = defaultLevels(spec.name);
    for (qsizetype f = 2; f < fields.size(); ++f) {
        const QString& field = fields[f];
        if (field == QLatin1String("hidden")) {
            spec.hidden = true;
        } else if (field.startsWith(QLatin1String("height="))) {
            bool ok = false;
            const double height = field.mid(7).toDouble(&ok);
            if (ok && height > 0 && height < 1) spec.paneHeight = height;
        } else if (field.startsWith(QLatin1String("levels="))) {
            spec.levels.clear();
            for (const QString& v : field.mid(7).split(QLatin1Char(','), Qt::SkipEmptyParts)) {
                bool ok = false;
                const double level = v.toDouble(&ok);
                if (ok && std::isfinite(level)) spec.levels.push_back(level);
            }
        } else if (field.startsWith(QLatin1String("styles="))) {
            for (const QString& v : field.mid(7).split(QLatin1Char(','))) {
                LineStyle style;
                const QStringList parts = v.split(QLatin1Char(':'));
                bool ok = false;
                const double width = parts.value(0).toDouble(&ok);
                if (ok && width >= 0.5 && width <= 10.0) style.width = width;
                style.dash = chart::parseLineDash(parts.value(1).toStdString()).value_or(chart::LineDash::Solid);
                if (spec.styles.size() < ind.outputCount()) spec.styles.push_back(style);
            }
        } else if (f == 2) {
            const QStringList colours = field.split(QLatin1Char(','), Qt::SkipEmptyParts);
            for (qsizetype i = 0; i < colours.size() && static_cast<std::size_t>(i) < spec.colours.size(); ++i) {
                const QColor c(colours[i]);
                if (c.isValid()) spec.colours[static_cast<std::size_t>(i)] = c;
            }
        }
    }
    return spec;
}

}  // namespace cpc::app
