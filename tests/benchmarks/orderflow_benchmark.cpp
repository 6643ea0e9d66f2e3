// Order flow costs at 1600×900 (logical px, device pixel ratio 1) into an offscreen QImage:
//  - the heatmap layer: 15 minutes of 100 ms book columns (9,000) over 1,000 price rows, built by
//    OrderFlowView (the grid aggregated per pixel, coloured per pixel row) and drawn
//    (drawHeatmap: image, ladder, legend) — the whole history on screen, and 1 minute of it;
//  - the footprint layer of 200 visible 1m bars (OrderFlowView + drawFootprint);
//  - one trade into a FootprintSeries (O(1): the same with 10 or 10,000 bars held) and into
//    BigTrades, and one 100 ms book sample into the heatmap.
// Run with QT_QPA_PLATFORM=offscreen (set if unset).
#include <benchmark/benchmark.h>

#include <QGuiApplication>
#include <QImage>
#include <QPainter>
#include <cmath>
#include <memory>
#include <random>

#include "cpc/chart/chart_model.hpp"
#include "cpc/chart/chart_views.hpp"
#include "cpc/chart/order_flow_view.hpp"
#include "cpc/chart_qt/chart_renderers.hpp"
#include "cpc/chart_qt/chart_theme.hpp"
#include "cpc/chart_qt/qt_text_measurer.hpp"
#include "cpc/market/candle_series.hpp"

namespace {

using namespace cpc;

constexpr int kWidth = 1600;
constexpr int kHeight = 900;
constexpr std::int64_t kStartMs = 1'577'836'800'000;  // 2020-01-01

QGuiApplication& app() {
    static int argc = 1;
    static char name[] = "orderflow_benchmark";
    static char* argv[] = {name, nullptr};
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
    static QGuiApplication instance(argc, argv);
    return instance;
}

Decimal cents(double v) { return *Decimal::fromDouble(std::round(v * 100.0) / 100.0); }

// Flat-ish candles around 30,000 so the price scale shows the book's rows.
std::unique_ptr<market::CandleSeries> makeSeries(std::size_t n, Interval interval) {
    auto series = std::make_unique<market::CandleSeries>(SeriesKey{"binance", "BTCUSDT", interval});
    std::vector<Candle> batch;
    std::mt19937_64 rng(3);
    std::uniform_real_distribution<double> u(-1.0, 1.0);
    double price = 30'000.0;
    for (std::size_t i = 0; i < n; ++i) {
        Candle c;
        c.openTime = kStartMs + static_cast<std::int64_t>(i) * nominalMs(interval);
        const double close = price + u(rng) * 2.0;
        c.open = cents(price);
        c.close = cents(close);
        c.high = cents(std::max(price, close) + 26.0);  // the pane spans the book's 1,000 rows of 0.05
        c.low = cents(std::min(price, close) - 26.0);
        c.volume = cents(5.0);
        c.trades = 10;
        c.closed = true;
        batch.push_back(c);
        price = std::round(close * 100.0) / 100.0;
    }
    series->merge(batch);
    return series;
}

struct Frame {
    Frame(std::size_t bars, Interval interval)
        : appReady(&app() != nullptr), series(makeSeries(bars, interval)), theme(chart_qt::darkTheme()),
          measurer(theme.font, theme.boldFont), image(kWidth, kHeight, QImage::Format_ARGB32_Premultiplied) {
        model.setTextMeasurer(&measurer);
        model.setViewportSize(kWidth, kHeight);
        model.setSeries(series.get(), interval, 2, 0.01);
        model.prepareFrame(model.takeInvalidation());
    }
    void show(std::size_t visible) {
        model.setBarSpacing(model.timeScale().width() / static_cast<double>(visible));
        model.scrollToLiveEdge();
        model.prepareFrame(model.takeInvalidation());
        chart::buildFrame(model, frame);
    }
    bool appReady;
    std::unique_ptr<market::CandleSeries> series;
    chart_qt::ChartTheme theme;
    chart_qt::QtTextMeasurer measurer;
    chart::ChartModel model;
    chart::FrameItems frame;
    QImage image;
};

// 9,000 columns (15 min at 100 ms) of a 1,000-row book around 30,000 with a few large walls, the
// newest at nextMs − 100; sample() adds the next one (and drops the oldest), as the live feed does.
struct LiveHeatmap {
    explicit LiveHeatmap(std::int64_t endMs) : nextMs(endMs - 15 * kMinuteMs) {
        orderflow::HeatmapConfig config;
        config.rowSize = cents(0.05);
        heatmap = std::make_unique<orderflow::BookHeatmap>(config);
        for (int k = 0; k < 500; ++k) {
            view.bids.push_back({cents(29'999.95 - 0.05 * k), cents(size(rng))});
            view.asks.push_back({cents(30'000.00 + 0.05 * k), cents(size(rng))});
        }
        view.bids[120].quantity = cents(80.0);  // walls
        view.asks[300].quantity = cents(150.0);
        for (int i = 0; i < 9'000; ++i) sample();
    }
    void sample() {
        view.bids[static_cast<std::size_t>(step % 500)].quantity = cents(size(rng));
        view.asks[static_cast<std::size_t>((step * 7) % 500)].quantity = cents(size(rng));
        ++step;
        heatmap->sample(view, nextMs);
        nextMs += 100;
    }
    std::unique_ptr<orderflow::BookHeatmap> heatmap;
    std::mt19937_64 rng{11};
    std::uniform_real_distribution<double> size{0.01, 3.0};
    feed::OrderBookView view;
    std::int64_t nextMs;
    int step = 0;
};

void drawHeatmapFrame(Frame& f, const chart::OrderFlowView& view) {
    f.frame.heatmap = {};
    view.build(f.model, f.frame);
    QPainter p(&f.image);
    chart_qt::drawHeatmap(p, f.frame.heatmap, f.frame.layout.candlePane, f.theme);
    benchmark::DoNotOptimize(f.image.constBits());
}

// The live frame: one new 100 ms book sample, then the layer built and drawn (the view keeps the
// columns it computed; the new sample changes the newest ones). 1s bars: 15 minutes are 900 bars;
// range(0) seconds of history on screen. The timed samples run over the last 50 s up to the last
// bar's end, so each lands on screen.
void BM_HeatmapLayer(benchmark::State& state) {
    Frame f(900, Interval::S1);
    LiveHeatmap live(kStartMs + 850 * kSecondMs);
    chart::OrderFlowView view;
    view.setModels(nullptr, live.heatmap.get(), nullptr);
    chart::OrderFlowOptions options;
    options.heatmap = true;
    view.setOptions(options);
    f.show(static_cast<std::size_t>(state.range(0)));
    drawHeatmapFrame(f, view);  // the first frame computes everything
    for (auto _ : state) {
        live.sample();
        drawHeatmapFrame(f, view);
    }
    state.counters["columns"] = f.frame.heatmap.columns;
    state.counters["rows"] = f.frame.heatmap.rows;
    if (const QString dir = qEnvironmentVariable("CPC_BENCH_SCREENSHOTS"); !dir.isEmpty()) {
        f.image.fill(f.theme.background);  // the timed frames drew over each other
        drawHeatmapFrame(f, view);
        f.image.save(QStringLiteral("%1/heatmap_%2.png").arg(dir).arg(state.range(0)), "PNG");
    }
}
BENCHMARK(BM_HeatmapLayer)->Arg(900)->Arg(60)->Iterations(500)->Unit(benchmark::kMillisecond);

// A frame that can keep no column: a zoom (the bar spacing alternates between range(0) bars on
// screen and one more), so every cell on screen is computed and coloured again.
void BM_HeatmapLayerRebuild(benchmark::State& state) {
    Frame f(900, Interval::S1);
    LiveHeatmap live(kStartMs + 900 * kSecondMs);
    chart::OrderFlowView view;
    view.setModels(nullptr, live.heatmap.get(), nullptr);
    chart::OrderFlowOptions options;
    options.heatmap = true;
    view.setOptions(options);
    bool wider = false;
    for (auto _ : state) {
        state.PauseTiming();
        f.show(static_cast<std::size_t>(state.range(0)) + (wider ? 1 : 0));
        wider = !wider;
        state.ResumeTiming();
        drawHeatmapFrame(f, view);
    }
    state.counters["columns"] = f.frame.heatmap.columns;
    state.counters["rows"] = f.frame.heatmap.rows;
}
BENCHMARK(BM_HeatmapLayerRebuild)->Arg(900)->Arg(60)->Unit(benchmark::kMillisecond);

void BM_FootprintLayer(benchmark::State& state) {
    Frame f(1'000, Interval::M1);
    orderflow::FootprintSeries footprint(Interval::M1, cents(0.01));
    std::mt19937_64 rng(5);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    const market::CandleView candles = f.series->candles();
    for (std::size_t i = candles.size() - 200; i < candles.size(); ++i)
        for (int t = 0; t < 2'000; ++t) {  // 2,000 trades a bar over its range
            const double price = candles.low(i) + (candles.high(i) - candles.low(i)) * u(rng);
            footprint.add(candles.openTime(i) + t * 30, cents(price), cents(0.01 + u(rng)), u(rng) < 0.5);
        }
    chart::OrderFlowView view;
    view.setModels(&footprint, nullptr, nullptr);
    f.model.setChartType(chart::ChartType::Footprint);
    f.show(200);
    for (auto _ : state) {
        f.frame.footprint.clear();
        view.build(f.model, f.frame);
        QPainter p(&f.image);
        chart_qt::drawFootprint(p, f.frame.footprint, f.frame.layout.candlePane, f.theme);
        benchmark::DoNotOptimize(f.image.constBits());
    }
    std::size_t cells = 0;
    for (const auto& b : f.frame.footprint) cells += b.cells.size();
    state.counters["bars"] = static_cast<double>(f.frame.footprint.size());
    state.counters["cells"] = static_cast<double>(cells);
    if (const QString dir = qEnvironmentVariable("CPC_BENCH_SCREENSHOTS"); !dir.isEmpty())
        f.image.save(QStringLiteral("%1/footprint_200.png").arg(dir), "PNG");
}
BENCHMARK(BM_FootprintLayer)->Unit(benchmark::kMillisecond);

// One trade into the newest bar with range(0) bars held: the cost must not grow with the history.
void BM_FootprintTrade(benchmark::State& state) {
    const auto bars = static_cast<std::int64_t>(state.range(0));
    orderflow::FootprintSeries footprint(Interval::S1, cents(0.01), static_cast<std::size_t>(bars) + 1);
    for (std::int64_t b = 0; b < bars; ++b)
        for (int t = 0; t < 50; ++t) footprint.add(b * 1'000 + t, cents(30'000.0 + t * 0.01), cents(0.5), t % 2 == 0);
    std::mt19937_64 rng(9);
    std::vector<Decimal> prices;
    for (int i = 0; i < 4'096; ++i) prices.push_back(cents(30'000.0 + static_cast<double>(rng() % 400) * 0.01));
    const Decimal qty = cents(0.25);
    std::size_t i = 0;
    const std::int64_t newest = (bars - 1) * 1'000;
    for (auto _ : state) {
        footprint.add(newest + 500, prices[i++ & 4'095], qty, (i & 1U) != 0U);
    }
}
BENCHMARK(BM_FootprintTrade)->Arg(10)->Arg(10'000);

void BM_BigTradesAdd(benchmark::State& state) {
    orderflow::BigTrades big(100'000.0);
    const Decimal price = cents(30'000.0);
    const Decimal qty = cents(5.0);
    std::int64_t t = 0;
    for (auto _ : state) benchmark::DoNotOptimize(big.add(++t, price, qty, false));
}
BENCHMARK(BM_BigTradesAdd);

// One 100 ms sample of a 1,000-level-a-side book into the heatmap (the GUI thread's work per tick).
void BM_HeatmapSample(benchmark::State& state) {
    orderflow::HeatmapConfig config;
    config.rowSize = cents(0.05);
    orderflow::BookHeatmap heatmap(config);
    feed::OrderBookView view;
    for (int k = 0; k < 1'000; ++k) {
        view.bids.push_back({cents(29'999.95 - 0.05 * k), cents(1.0 + k % 7)});
        view.asks.push_back({cents(30'000.00 + 0.05 * k), cents(1.0 + k % 5)});
    }
    std::int64_t t = 0;
    for (auto _ : state) benchmark::DoNotOptimize(heatmap.sample(view, t += 100));
}
BENCHMARK(BM_HeatmapSample)->Unit(benchmark::kMicrosecond);

}  // namespace
