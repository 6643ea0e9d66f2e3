#include "cpc/app/chart_compare.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <limits>

#include "cpc/app/app_settings.hpp"
#include "cpc/app/chart_controller.hpp"
#include "cpc/app/chart_pane.hpp"
#include "cpc/app/core_text.hpp"
#include "cpc/app/main_window.hpp"
#include "cpc/chart_qt/chart_canvas.hpp"

#include <QInputDialog>
#include <QLineEdit>
#include <QStatusBar>

namespace cpc::app {

namespace {

// The compared lines' colours, in the order they are added (TradingView's first compare colours).
constexpr std::uint32_t kColours[] = {0xff9800ffU, 0xab47bcffU, 0x26c6daffU, 0xd4e157ffU, 0xec407affU, 0x8d6e63ffU};

}  // namespace

struct ChartCompare::Entry {
    session::WatchSymbol symbol;
    std::unique_ptr<ChartController> controller;
    std::uint64_t overlay = 0;
    std::uint32_t rgba = 0;
};

ChartCompare::ChartCompare(ChartController& chart, chart_qt::ChartCanvas& canvas, AppSettings& settings, QObject* parent)
    : QObject(parent), m_chart(chart), m_canvas(canvas), m_settings(settings) {
    // A replay going back: each compared symbol's controller (a replay's too: it copies the chart's
    // options) held the candles the replay delivered up to the time left, newer than the time
    // sought; it starts over with the chart, and its line is matched again as its candles return.
    connect(&m_chart, &ChartController::replayRestarting, this, [this] {
        for (auto& e : m_entries) {
            e->controller->restartReplay();
            refresh(*e);
        }
    });
}

ChartCompare::~ChartCompare() = default;

bool ChartCompare::add(const session::WatchSymbol& symbol) {
    m_lastError.clear();
    if (symbol.exchange == m_chart.exchangeName().toStdString() && symbol.symbol == m_chart.currentKey().symbol) {
        m_lastError = tr("%1 is the chart's own symbol").arg(QString::fromStdString(symbol.text()));
        return false;
    }
    for (const auto& e : m_entries)
        if (e->symbol == symbol) {
            m_lastError = tr("%1 is compared already").arg(QString::fromStdString(symbol.text()));
            return false;
        }
    // Another controller over the chart's services: the one market session and storage worker.
    ControllerOptions options = m_chart.options();
    options.services = &m_chart.services();
    options.exchange = symbol.exchange;
    if (options.demo) {
        options.restBase.clear();  // the process's simulator of the venue's dialect
        options.streamBase.clear();
    } else if (symbol.exchange == m_chart.exchangeName().toStdString()) {
        options.restBase = m_chart.restBase().toStdString();  // the chart's own endpoints
        options.streamBase = m_chart.streamBase().toStdString();
    } else {
        const Endpoints e = m_settings.effectiveEndpoints(QString::fromStdString(symbol.exchange), options.market);
        options.restBase = e.rest.toStdString();
        options.streamBase = e.stream.toStdString();
    }
    auto controller = std::make_unique<ChartController>(options);
    if (auto started = controller->start(); !started) {
        m_lastError = tr("Cannot compare %1: %2").arg(QString::fromStdString(symbol.text()), coreText(started.error().message));
        return false;
    }
    auto entry = std::make_unique<Entry>();
    entry->symbol = symbol;
    entry->controller = std::move(controller);
    entry->rgba = kColours[m_entries.size() % std::size(kColours)];
    chart::PaneSeries line;
    line.name = symbol.symbol;
    line.rgba = entry->rgba;
    line.width = 1.5;
    auto& model = m_canvas.model();
    entry->overlay = model.addOverlay(symbol.symbol + " · " + exchangeDisplayName(QString::fromStdString(symbol.exchange)).toStdString(),
                                      {std::move(line)});
    model.setOverlayRebased(entry->overlay, true);
    Entry* raw = entry.get();
    connect(raw->controller.get(), &ChartController::seriesReset, this, [this, raw] { refresh(*raw); });
    connect(raw->controller.get(), &ChartController::seriesUpdated, this, [this, raw] { refresh(*raw); });
    m_entries.push_back(std::move(entry));
    raw->controller->openSeries(QString::fromStdString(symbol.symbol), m_chart.currentKey().interval);
    // Compared lines read as changes: the percent scale (TradingView switches to it too).
    model.setPriceScaleMode(chart::PriceScaleMode::Percent);
    refresh(*raw);
    emit changed();
    return true;
}

bool ChartCompare::remove(std::size_t index) {
    if (index >= m_entries.size()) return false;
    m_canvas.model().removeOverlay(m_entries[index]->overlay);
    m_entries.erase(m_entries.begin() + static_cast<std::ptrdiff_t>(index));  // its feed leaves its stream
    emit changed();
    return true;
}

void ChartCompare::clear() {
    if (m_entries.empty()) return;
    for (const auto& e : m_entries) m_canvas.model().removeOverlay(e->overlay);
    m_entries.clear();
    emit changed();
}

std::vector<session::WatchSymbol> ChartCompare::symbols() const {
    std::vector<session::WatchSymbol> out;
    for (const auto& e : m_entries) out.push_back(e->symbol);
    return out;
}

std::uint64_t ChartCompare::overlayId(std::size_t index) const {
    return index < m_entries.size() ? m_entries[index]->overlay : 0;
}

const ChartController* ChartCompare::controller(std::size_t index) const {
    return index < m_entries.size() ? m_entries[index]->controller.get() : nullptr;
}

void ChartCompare::chartReset() {
    const Interval interval = m_chart.currentKey().interval;
    for (auto& e : m_entries) {
        if (e->controller->currentKey().interval != interval)
            e->controller->openSeries(QString::fromStdString(e->symbol.symbol), interval);
        refresh(*e);
    }
}

void ChartCompare::chartUpdated() {
    for (auto& e : m_entries) refresh(*e);
}

void ChartCompare::refresh(Entry& entry) {
    const market::CandleSeries* chart = m_chart.currentSeries();
    const market::CandleSeries* other = entry.controller->currentSeries();
    std::vector<double> values(chart ? chart->size() : 0, std::numeric_limits<double>::quiet_NaN());
    // Only candles of the chart's timeframe are matched (the compared series may still be the
    // previous timeframe's while the switch loads).
    if (chart && other && !other->empty() && other->key().interval == chart->key().interval) {
        const auto closes = other->candles();
        std::size_t j = 0;
        double carried = std::numeric_limits<double>::quiet_NaN();
        // In a Bar Replay the chart's bar still forming at the replay time must not show the
        // compared symbol's close of that bar (its end is the future): it carries the close of the
        // bar before.
        const bool hideForming = m_chart.replaying() && chart->size() > 0 && !(*chart)[chart->size() - 1].closed;
        const std::size_t whole = hideForming ? chart->size() - 1 : chart->size();
        for (std::size_t i = 0; i < chart->size(); ++i) {
            const std::int64_t t = chart->openTime(i);
            if (i < whole)
                while (j < other->size() && other->openTime(j) <= t) carried = closes.close(j++);
            else
                while (j < other->size() && other->openTime(j) < t) carried = closes.close(j++);
            values[i] = carried;  // NaN before the compared symbol's first candle
        }
    }
    m_canvas.model().editOverlaySeries(entry.overlay, [&values](std::vector<chart::PaneSeries>& series) {
        if (!series.empty()) series.front().values = std::move(values);
    });
}

// ---- the window's Compare… --------------------------------------------------------------------

bool MainWindow::addCompare(const QString& text) {
    if (!m_active) return false;
    const session::WatchParse parsed =
        session::parseWatchSymbol(text.toStdString(), m_active->controller().exchangeName().toStdString());
    if (!parsed.symbol) {
        QString why;
        using Kind = session::WatchParseError::Kind;
        switch (parsed.error->kind) {
        case Kind::Empty: why = tr("type a symbol: EXCHANGE:SYMBOL or SYMBOL"); break;
        case Kind::UnknownVenue: why = tr("unknown exchange \"%1\"").arg(QString::fromStdString(parsed.error->venue)); break;
        case Kind::BadSymbol: why = coreText(parsed.error->detail); break;
        case Kind::NoActiveVenue: why = tr("no exchange given"); break;
        }
        statusBar()->showMessage(tr("Cannot compare: %1").arg(why), 15000);
        return false;
    }
    if (!m_active->compare().add(*parsed.symbol)) {
        statusBar()->showMessage(m_active->compare().lastError(), 15000);
        return false;
    }
    m_percentAction->setChecked(true);  // the chart went to the percent scale
    statusBar()->showMessage(tr("Comparing with %1").arg(QString::fromStdString(parsed.symbol->text())), 8000);
    return true;
}

void MainWindow::openCompareDialog() {
    bool ok = false;
    const QString text = QInputDialog::getText(this, tr("Compare"),
                                               tr("Symbol to compare (EXCHANGE:SYMBOL, e.g. okx:ETH-USDT, or SYMBOL on this "
                                                  "chart's exchange):"),
                                               QLineEdit::Normal, QString(), &ok);
    if (ok) addCompare(text);
}

}  // namespace cpc::app
