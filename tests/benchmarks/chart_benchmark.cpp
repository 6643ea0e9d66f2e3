// Chart frame costs at 1600×900 (logical px, device pixel ratio 1) into an offscreen QImage:
// a full frame (views + QPainter) with 1k / 10k / 100k / 1M candles visible plus volume, a
// crosshair-only redraw, one live tick to the next painted frame with 1M candles loaded, and
// the chart's memory per loaded candle. Run with QT_QPA_PLATFORM=offscreen (set if unset).
#include <benchmark/benchmark.h>

#include <QGuiApplication>
#include <QImage>
#include <QPainter>
#include <cmath>
#include <memory>
#include <random>

#include "cpc/chart/chart_model.hpp"
#include "cpc/chart/chart_views.hpp"
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
    static char name[] = "chart_benchmark";
    static char* argv[] = {name, nullptr};
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
    static QGuiApplication instance(argc, argv);
    return instance;
}

Decimal dec(double v) { return *Decimal::fromDouble(std::round(v * 100.0) / 100.0); }

Candle makeCandle(std::int64_t t, double open, double close, double high, double low, double volume, bool closed) {
    Candle c;
    c.openTime = t;
    c.open = dec(open);
    c.close = dec(close);
    c.high = dec(high);
    c.low = dec(low);
    c.volume = dec(volume);
    c.quoteVolume = dec(volume * close);
    c.trades = 50;
    c.closed = closed;
    return c;
}

// A random walk of 1m candles, like a BTCUSDT history (same shape as the LWC comparison data).
std::unique_ptr<market::CandleSeries> makeSeries(std::size_t n) {
    auto series = std::make_unique<market::CandleSeries>(SeriesKey{"binance", "BTCUSDT", Interval::M1});
    std::mt19937_64 rng(7);
    std::normal_distribution<double> step(0.0, 0.0015);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    std::vector<Candle> batch;
    batch.reserve(n);
    double price = 30'000.0;
    for (std::size_t i = 0; i < n; ++i) {
        const double open = price;
        const double close = std::max(100.0, open * (1.0 + step(rng)));
        const double high = std::max(open, close) * (1.0 + u(rng) * 0.001);
        const double low = std::min(open, close) * (1.0 - u(rng) * 0.001);
        batch.push_back(makeCandle(kStartMs + static_cast<std::int64_t>(i) * kMinuteMs, open, close, high, low,
                                   1.0 + u(rng) * 20.0, i + 1 < n));
        price = std::round(close * 100.0) / 100.0;
    }
    series->merge(batch);
    return series;
}

struct Chart {
    explicit Chart(std::size_t n, std::size_t visible)
        : appReady(&app() != nullptr), series(makeSeries(n)), theme(chart_qt::darkTheme()), measurer(theme.font, theme.boldFont),
          image(kWidth, kHeight, QImage::Format_ARGB32_Premultiplied) {
        model.setTextMeasurer(&measurer);
        model.setViewportSize(kWidth, kHeight);
        model.setSeries(series.get(), Interval::M1, 2);
        model.prepareFrame(model.takeInvalidation());
        // `visible` bars across the pane, the newest at the right edge.
        model.setBarSpacing(model.timeScale().width() / static_cast<double>(visible));
        model.scrollToLiveEdge();
        model.prepareFrame(model.takeInvalidation());
    }
    // What ChartCanvas::paintEvent does for a Light (data or view) invalidation.
    void fullFrame() {
        model.prepareFrame(chart::Invalidation::Light);
        chart::buildFrame(model, frame);
        QPainter p(&image);
        chart_qt::drawBase(p, frame, theme, 1.0);
        chart::buildOverlay(model, overlay);
        chart_qt::drawOverlay(p, overlay, model.layout(), theme, 1.0);
    }

    bool appReady;  // first: fonts need the QGuiApplication
    std::unique_ptr<market::CandleSeries> series;
    chart_qt::ChartTheme theme;
    chart_qt::QtTextMeasurer measurer;
    chart::ChartModel model;
    chart::FrameItems frame;
    chart::OverlayItems overlay;
    QImage image;
};

void BM_FullFrame(benchmark::State& state) {
    const auto visible = static_cast<std::size_t>(state.range(0));
    Chart chart(visible, visible);
    for (auto _ : state) {
        chart.model.invalidate(chart::Invalidation::Light);
        chart.fullFrame();
        benchmark::DoNotOptimize(chart.image.constBits());
    }
    state.counters["visible_bars"] = static_cast<double>(chart.model.timeScale().visibleRange().count());
    state.counters["drawn_columns"] = static_cast<double>(chart.frame.candles.size());
    // CPC_BENCH_SCREENSHOTS=<dir>: keep the last frame of each size, to look at what was timed.
    if (const QString dir = qEnvironmentVariable("CPC_BENCH_SCREENSHOTS"); !dir.isEmpty())
        chart.image.save(QStringLiteral("%1/chart_frame_%2.png").arg(dir).arg(visible), "PNG");
}
BENCHMARK(BM_FullFrame)->Arg(1'000)->Arg(10'000)->Arg(100'000)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

// A drag across the chart: every frame is scrolled 5 px further (the visible range, autoscale,
// grid and every label move), turning back after 150 frames so the view stays inside the data.
void BM_PanFrame(benchmark::State& state) {
    const auto visible = static_cast<std::size_t>(state.range(0));
    Chart chart(visible, visible);
    int step = 0;
    for (auto _ : state) {
        chart.model.scrollBy((step++ / 150) % 2 == 0 ? 5.0 : -5.0);
        chart.fullFrame();
        benchmark::DoNotOptimize(chart.image.constBits());
    }
}
BENCHMARK(BM_PanFrame)->Arg(1'000)->Arg(100'000)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

void BM_FullFrameLineChart(benchmark::State& state) {
    const auto visible = static_cast<std::size_t>(state.range(0));
    Chart chart(visible, visible);
    chart.model.setChartType(state.range(1) == 0 ? chart::ChartType::Line : chart::ChartType::Area);
    for (auto _ : state) {
        chart.model.invalidate(chart::Invalidation::Light);
        chart.fullFrame();
        benchmark::DoNotOptimize(chart.image.constBits());
    }
}
// range(1): 0 line, 1 area.
BENCHMARK(BM_FullFrameLineChart)
    ->Args({1'000, 0})->Args({1'000'000, 0})->Args({1'000, 1})->Args({1'000'000, 1})
    ->Unit(benchmark::kMillisecond);

// Mouse move: the cached base layer is blitted and only the overlay is rebuilt and drawn.
void BM_CrosshairOnly(benchmark::State& state) {
    Chart chart(1'000'000, 1'000'000);
    chart.fullFrame();
    const QImage base = chart.image.copy();
    double x = 100;
    for (auto _ : state) {
        x = x > 1400 ? 100 : x + 7;
        chart.model.setCrosshair({x, 300});
        QPainter p(&chart.image);
        p.drawImage(0, 0, base);
        chart::buildOverlay(chart.model, chart.overlay);
        chart_qt::drawOverlay(p, chart.overlay, chart.model.layout(), chart.theme, 1.0);
    }
}
BENCHMARK(BM_CrosshairOnly)->Unit(benchmark::kMicrosecond);

// One kline update of the forming candle with 1M candles loaded → the next painted frame
// (series upsert, model bookkeeping incl. pyramid and Heikin-Ashi tail, views, paint).
void BM_TickToFrame(benchmark::State& state) {
    const auto visible = static_cast<std::size_t>(state.range(0));
    Chart chart(1'000'000, visible);
    Candle last = *chart.series->last();
    double close = last.close.toDouble();
    int k = 0;
    for (auto _ : state) {
        close += (++k % 2 == 0) ? 1.5 : -1.0;
        last.close = dec(close);
        last.high = dec(std::max(last.high.toDouble(), close));
        last.low = dec(std::min(last.low.toDouble(), close));
        chart.series->upsert(last);
        chart.model.seriesChanged();
        chart.fullFrame();
        benchmark::DoNotOptimize(chart.image.constBits());
    }
}
BENCHMARK(BM_TickToFrame)->Arg(150)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

void BM_MemoryPerCandle(benchmark::State& state) {
    Chart chart(1'000'000, 1'000'000);
    for (auto _ : state) benchmark::DoNotOptimize(chart.model.cacheBytes());
    // Honest bytes: capacities, not sizes, and the series' side table of wide candles.
    const double n = static_cast<double>(chart.series->size());
    const double series = static_cast<double>(chart.series->memoryBytes()) / n;
    const double cache = static_cast<double>(chart.model.cacheBytes()) / n;
    state.counters["series_B_per_candle"] = series;
    state.counters["chart_cache_B_per_candle"] = cache;
    state.counters["total_B_per_candle"] = series + cache;
    // Worst case of live growth: one more candle than the loaded batch reallocates the rows
    // (and the pyramid) with their growth slack.
    Candle next = *chart.series->last();
    next.openTime += kMinuteMs;
    chart.series->upsert(next);
    chart.model.seriesChanged();
    const double grown = static_cast<double>(chart.series->memoryBytes() + chart.model.cacheBytes()) /
                         static_cast<double>(chart.series->size());
    state.counters["total_after_growth_B_per_candle"] = grown;
}
BENCHMARK(BM_MemoryPerCandle)->Iterations(1);

}  // namespace
