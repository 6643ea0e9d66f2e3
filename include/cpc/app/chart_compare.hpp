#pragma once
// Compare (issue 14): other symbols, of any venue, drawn on a chart as lines of their closes on
// the percent scale — each rebased onto the chart's close at the first visible bar (chart::Overlay
// ::rebase), so every line reads as its change since that bar, as on TradingView. Each compared
// symbol has a ChartController of its own on the process's services (the one market session and
// storage worker: its candles come from the cache and the venue's kline stream like a chart's)
// following the chart's timeframe; its closes are matched to the chart's bars by open time (a
// bar the other venue lacks keeps its previous close; before its first candle, nothing is drawn).
// In a replay the compared controllers replay too, and start over when the chart's does
// (ChartController::replayRestarting: a seek back).
#include <QObject>
#include <QString>
#include <cstdint>
#include <memory>
#include <vector>

#include "cpc/session/watchlist.hpp"

namespace cpc::chart_qt { class ChartCanvas; }

namespace cpc::app {

class AppSettings;
class ChartController;

class ChartCompare final : public QObject {
    Q_OBJECT
public:
    ChartCompare(ChartController& chart, chart_qt::ChartCanvas& canvas, AppSettings& settings, QObject* parent = nullptr);
    ~ChartCompare() override;

    // Adds `symbol` (its line appears as its candles arrive) and puts the chart on the percent
    // scale. False, with the reason in lastError(), when it is already compared, is the chart's own
    // symbol, or its venue cannot be reached (the controller does not start).
    bool add(const session::WatchSymbol& symbol);
    bool remove(std::size_t index);
    void clear();
    std::vector<session::WatchSymbol> symbols() const;
    std::size_t size() const { return m_entries.size(); }
    // The overlay of compared symbol `index` on the chart's model (0 when out of range).
    std::uint64_t overlayId(std::size_t index) const;
    const ChartController* controller(std::size_t index) const;
    QString lastError() const { return m_lastError; }

    // The chart showed another series (a timeframe switch moves every compared symbol to it) or
    // its candles changed: the lines are matched to its bars again.
    void chartReset();
    void chartUpdated();

signals:
    void changed();  // a symbol was added or removed (the workspace saves the list)

private:
    struct Entry;
    void refresh(Entry& entry);

    ChartController& m_chart;
    chart_qt::ChartCanvas& m_canvas;
    AppSettings& m_settings;
    std::vector<std::unique_ptr<Entry>> m_entries;
    QString m_lastError;
};

}  // namespace cpc::app
