#pragma once
// The perpetual side of one chart (ChartPane), Qt glue over session::PerpFeed: while the chart's
// controller shows a perpetual (MarketType::Perp) it runs a PerpFeed for the open symbol on the
// process's market session — one more user of the venue's shared streams — and draws what it
// brings on the chart's canvas:
//   - the mark price and the index price as lines over the candles (overlays "Mark price",
//     "Index price"; the venue's mark- and index-price candles of the bars before the chart
//     opened, then the live pushes; when the chart scrolls back and loads older candles, the
//     venue's mark and index candles of those bars too, joined before the ones known),
//   - a legend row with the funding rate and a live countdown to the next funding (every second),
//   - a "Funding rate %" pane (the settled history from REST, the current period's rate after it),
//   - an "Open interest" pane (the venue's history as far back as it serves it, joined with the
//     live values without a gap),
//   - liquidations as bubbles sized by value (chart::ChartBubble).
// Each layer can be turned off (View ▸ Perpetual; AppSettings::perpLayerVisible). A spot chart
// has none of them. A failure (the venue refuses, no perpetual of the symbol, a history that
// cannot be read) is a state: failure() says it, the legend row shows it, failureChanged() tells
// the window's status bar. Events come through a session::Inbox (one wake-up per burst).
#include <QObject>
#include <QString>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>

#include "cpc/app/perp_data.hpp"
#include "cpc/core/candle.hpp"
#include "cpc/feed/feed_events.hpp"

class QTimer;

namespace cpc::chart_qt { class ChartCanvas; }
namespace cpc::session { class Inbox; class PerpFeed; struct PriceHistory; }

namespace cpc::app {

class AppSettings;
class ChartController;

class PerpChart final : public QObject {
    Q_OBJECT
public:
    // The layers, as AppSettings names them.
    static const QString kMark, kIndex, kFunding, kOpenInterest, kLiquidations;

    PerpChart(ChartController& controller, chart_qt::ChartCanvas& canvas, AppSettings& settings, QObject* parent = nullptr);
    ~PerpChart() override;

    // The chart shows a perpetual and its feed was started for the open symbol.
    bool isOpen() const { return m_feed != nullptr; }
    const std::string& symbol() const { return m_symbol; }
    const PerpData& data() const { return m_data; }

    bool layerVisible(const QString& layer) const;
    // Shows or hides one layer on this chart (not saved: the window saves the choice).
    void setLayerVisible(const QString& layer, bool visible);

    // Empty while nothing failed; else why (several causes joined).
    QString failure() const;
    // "Funding 0.0100 % · 07:59:12" (the legend's and the status bar's), or the failure; empty
    // on a spot chart.
    QString fundingText() const;
    // fundingText() as of the last change or clock tick: what the legend shows, and the status bar
    // with it (one text per tick, so the two never differ by a second at a boundary).
    QString shownFundingText() const { return m_fundingShown; }
    std::optional<std::int64_t> fundingCountdownMs() const;

    // The chart ids of the layers (0 while hidden or on spot).
    std::uint64_t markOverlayId() const { return m_markId; }
    std::uint64_t indexOverlayId() const { return m_indexId; }
    std::uint64_t fundingLegendId() const { return m_fundingLegendId; }
    std::uint64_t fundingPaneId() const { return m_fundingPaneId; }
    std::uint64_t openInterestPaneId() const { return m_oiPaneId; }

    // The open-interest period asked of the venue for a chart interval: the longest the venue
    // keeps at or below the interval (more history for coarser charts), else its shortest.
    static Interval openInterestPeriodFor(const std::vector<Interval>& kept, Interval chart);

signals:
    void changed();          // values changed (at most a few times a second), the countdown ticked
    void failureChanged();   // failure() changed
    void liquidationReceived(const cpc::exchange::Liquidation& liquidation);

private:
    struct Port;
    void reopen();           // the controller's series or market changed
    void close();
    void drain();
    void onEvent(feed::FeedEvent&& event);
    void onPriceHistory(session::PriceHistory&& history);
    // The mark/index history of the chart's bars older than what was asked so far (scrolled back),
    // one request at a time.
    void loadOlderPrices();
    void scheduleRefresh();
    void refresh();          // the chart's lines, panes and bubbles from the data
    void tick();             // every second: the countdown
    void attachLayers();
    void detachLayers();
    void setFailure(const QString& source, const QString& text);

    ChartController& m_controller;
    chart_qt::ChartCanvas& m_canvas;
    AppSettings& m_settings;
    std::unique_ptr<session::Inbox> m_inbox;
    std::shared_ptr<Port> m_port;
    std::unique_ptr<session::PerpFeed> m_feed;
    std::string m_symbol;
    SeriesKey m_key;
    PerpData m_data;
    std::map<QString, bool> m_visible;
    std::map<QString, QString> m_failures;  // by source: "start", "link", "mark", "openInterest", "history"
    std::size_t m_bars = 0;          // the candles the layers were last built for
    std::int64_t m_firstOpen = 0;
    Interval m_priceInterval = Interval::M1;  // the chart interval the mark/index history was asked at
    // The mark/index history is asked back to here (PriceHistory::reachedMs; INT64_MAX until the
    // first history came); a request is in flight.
    std::int64_t m_priceReachedMs = 0;
    bool m_pricePending = false;
    QTimer* m_clock = nullptr;
    QTimer* m_refreshTimer = nullptr;
    std::uint64_t m_markId = 0, m_indexId = 0, m_fundingLegendId = 0, m_fundingPaneId = 0, m_oiPaneId = 0;
    QString m_fundingShown;
};

}  // namespace cpc::app
