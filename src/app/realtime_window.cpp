#include "cpc/app/realtime_window.hpp"

#include "cpc/app/core_text.hpp"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QCompleter>
#include <QDateTime>
#include <QEvent>
#include <QFontDatabase>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeySequence>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QTableView>
#include <QTableWidget>
#include <QSignalBlocker>
#include <QTimer>
#include <QToolBar>
#include <QVBoxLayout>
#include <algorithm>

#include "cpc/app/app_settings.hpp"
#include "cpc/app/chart_controller.hpp"
#include "cpc/app/feed_text.hpp"
#include "cpc/app/perp_liquidations.hpp"
#include "cpc/app/frame_pacer.hpp"
#include "cpc/app/realtime_models.hpp"
#include "cpc/app/trade_tape.hpp"
#include "cpc/chart_qt/chart_canvas.hpp"
#include "cpc/core/time.hpp"
#include "cpc/exchange/registry.hpp"
#include "cpc/session/market_feed.hpp"
#include "cpc/net/io_thread.hpp"
#include "cpc/session/inbox.hpp"
#include "cpc/session/market_session.hpp"

namespace cpc::app {

using exchange::StreamKind;

namespace {

constexpr int kHealthMs = 250;
constexpr std::size_t kMaxAwaitingPaint = 400'000;

struct KindInfo {
    StreamKind kind;
    const char* label;
    const char* objectName;
};
constexpr KindInfo kKinds[] = {
    {StreamKind::Kline, "kline", "streamKline"},       {StreamKind::Trade, "trade", "streamTrade"},
    {StreamKind::AggTrade, "aggTrade", "streamAggTrade"}, {StreamKind::Depth, "depth", "streamDepth"},
    {StreamKind::BookTicker, "bookTicker", "streamBookTicker"}, {StreamKind::Ticker, "ticker", "streamTicker"},
};

QString qs(std::string_view s) { return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size())); }

QString humanBytes(double perSecond) {
    if (perSecond >= 1024.0 * 1024.0) return RealtimeWindow::tr("%L1 MB/s").arg(perSecond / (1024.0 * 1024.0), 0, 'f', 2);
    if (perSecond >= 1024.0) return RealtimeWindow::tr("%L1 kB/s").arg(perSecond / 1024.0, 0, 'f', 1);
    return RealtimeWindow::tr("%L1 B/s").arg(perSecond, 0, 'f', 0);
}

QString latencyText(const session::LatencySummary& s) {
    if (s.count == 0) return QStringLiteral("–");
    return RealtimeWindow::tr("p50 %L1 · p99 %L2 · max %L3 ms (n=%L4)").arg(s.p50).arg(s.p99).arg(s.max).arg(s.count);
}

}  // namespace

struct RealtimeWindow::Received {
    feed::FeedEvent event;
    std::int64_t receivedMs = 0;  // local clock, stamped on the network thread
    bool fromChartFeed = false;
};

// Both feeds post here on the network thread. Each event, stamped with its receipt time, goes into
// the window's session::Inbox (the one hand-off to the GUI thread, as the chart controller's
// MarketBridge uses it) as a task that adds it to the next frame; a post into an EMPTY inbox wakes
// the GUI thread once, and the frame takes the whole inbox. The stream session is shared with
// other windows and outlives this one, so a post may come after the window is gone: the ports post
// through the inbox's executor, which drops what comes after the inbox is destroyed (the window's
// destructor does that first), and a wake-up queued before is dropped by Qt with the window.
struct RealtimeWindow::Ports {
    struct Port final : feed::FeedSink {
        Port(session::Executor post, RealtimeWindow* w, bool chart) : executor(std::move(post)), window(w), chartFeed(chart) {}
        void post(feed::FeedEvent event) override {
            // Runs on the GUI thread only while the inbox, and so the window, exists.
            executor([w = window, r = Received{std::move(event), cpc::nowMs(), chartFeed}]() mutable {
                w->m_frame.push_back(std::move(r));
            });
        }
        // The connection carrying the window's streams, shown as the session's status.
        void onLink(const feed::StreamLink& link) override {
            post(feed::FeedStatus{SeriesKey{}, link.state, link.detail, link.retryInMs, cpc::nowMs()});
        }
        session::Executor executor;
        RealtimeWindow* window;
        bool chartFeed;
    };
    Ports(const session::Executor& post, RealtimeWindow* w) : session(post, w, false), chart(post, w, true) {}
    Port session;
    Port chart;
};

// ---------------------------------------------------------------------------------------------

RealtimeOptions RealtimeWindow::optionsFor(const ChartController& controller, const AppSettings& settings) {
    RealtimeOptions o;
    // The chart's venue, at the endpoints its controller uses (the settings', a flag's, or the
    // demo simulator's, which speaks that venue's dialect).
    o.exchange = controller.exchangeName().toStdString();
    o.marketType = controller.marketType();
    o.restBase = controller.restBase().toStdString();
    o.streamBase = controller.streamBase().toStdString();
    o.simulator = controller.isDemo();
    o.tls.extraCaFile = settings.extraCaFile().toStdString();
    o.timeZone = settings.timeZone();
    o.market = controller.marketSession();  // the process's session: one connection per venue
    if (!controller.currentKey().symbol.empty()) {
        o.symbol = QString::fromStdString(controller.currentKey().symbol);
        o.interval = controller.currentKey().interval;
    }
    return o;
}

RealtimeWindow* RealtimeWindow::openFor(ChartController& controller, const AppSettings& settings, QWidget* parent) {
    if (parent)
        if (auto* open = parent->findChild<RealtimeWindow*>(QString(), Qt::FindDirectChildrenOnly)) {
            open->show();
            open->raise();
            open->activateWindow();
            return open;
        }
    auto* window = new RealtimeWindow(optionsFor(controller, settings), parent);
    window->setAttribute(Qt::WA_DeleteOnClose);
    window->show();
    return window;
}

RealtimeWindow::RealtimeWindow(RealtimeOptions options, QWidget* parent)
    : QMainWindow(parent), m_options(std::move(options)), m_symbol(m_options.symbol.trimmed().toUpper()),
      m_interval(m_options.interval), m_enabled(m_options.streams),
      // First post since the last frame: wake the GUI thread once (a queued call; the inbox stops
      // calling it when the window destroys it).
      m_inbox(std::make_unique<session::Inbox>(
          [this] { QMetaObject::invokeMethod(this, [this] { scheduleFrame(); }, Qt::QueuedConnection); })),
      m_ports(std::make_shared<Ports>(m_inbox->executor(), this)),
      m_healthStats(std::chrono::milliseconds(3000), std::chrono::milliseconds(10000)),
      m_tradeRate(std::chrono::milliseconds(3000)) {
    setObjectName(QStringLiteral("realtimeWindow"));
    // RealtimeWindow:: for lupdate, which loses the class scope after the lambdas of the member initialisers.
    // A tool window: Escape and Ctrl+W close it (Ctrl+W is not QKeySequence::Close everywhere).
    auto* closeAction = new QAction(RealtimeWindow::tr("Close"), this);
    closeAction->setObjectName(QStringLiteral("realtimeCloseAction"));
    closeAction->setShortcuts({QKeySequence(Qt::Key_Escape), QKeySequence(Qt::CTRL | Qt::Key_W)});
    closeAction->setShortcutContext(Qt::WindowShortcut);
    connect(closeAction, &QAction::triggered, this, &QWidget::close);
    addAction(closeAction);
    m_openedAtMs = cpc::nowMs();
    if (m_symbol.isEmpty()) m_symbol = QStringLiteral("BTCUSDT");
    buildUi();

    auto adapter = exchange::makeAdapter(m_options.exchange, exchange::Endpoints{m_options.restBase, m_options.streamBase},
                                         m_options.marketType);
    if (!adapter) {  // callers pass a registry name; say so rather than fail silently
        log(RealtimeWindow::tr("%1; using binance").arg(coreText(adapter.error().message)));
        m_options.exchange = "binance";
        adapter = exchange::makeAdapter(m_options.exchange, exchange::Endpoints{m_options.restBase, m_options.streamBase});
    }
    m_adapter = std::shared_ptr<exchange::ExchangeAdapter>(std::move(*adapter));
    if (m_adapter->market() == MarketType::Perp) {
        // Only the streams the venue has for a perpetual (their boxes off), and its liquidations.
        for (const KindInfo& k : kKinds)
            if (!m_adapter->hasStream(spec(k.kind))) {
                std::erase(m_enabled, k.kind);
                const QSignalBlocker block(m_streamBoxes[k.kind]);
                m_streamBoxes[k.kind]->setChecked(false);
                m_streamBoxes[k.kind]->setEnabled(false);
            }
        // The trade tape from aggregate trades where the venue streams no plain ones (USD-M).
        if (!m_adapter->hasStream(spec(StreamKind::Trade)) && m_adapter->hasStream(spec(StreamKind::AggTrade)) &&
            !streamEnabled(StreamKind::AggTrade)) {
            m_enabled.push_back(StreamKind::AggTrade);
            const QSignalBlocker block(m_streamBoxes[StreamKind::AggTrade]);
            m_streamBoxes[StreamKind::AggTrade]->setChecked(true);
        }
        if (m_adapter->hasStream(spec(StreamKind::Liquidation))) m_enabled.push_back(StreamKind::Liquidation);
    }
    m_market = m_options.market;
    if (!m_market) {  // a window of its own (`--test-realtime`, tests): its own network thread
        m_io = std::make_unique<net::IoThread>();
        session::MarketSessionConfig marketConfig;
        marketConfig.tls = m_options.tls;
        marketConfig.streams = m_options.session;
        m_ownMarket = std::make_unique<session::MarketSession>(*m_io, std::move(marketConfig));
        m_market = m_ownMarket.get();
    }
    // The venue's connection engine, shared with the main window's charts on the same venue; the
    // window is one more user of it (m_listener), its chart feed another.
    m_session = m_market->streams(m_adapter);
    m_listener = std::shared_ptr<feed::FeedSink>(m_ports, &m_ports->session);
    m_feed = std::make_unique<session::MarketFeed>(m_market->io(), m_adapter, m_market->feedConfig(m_adapter),
                                                m_ports->chart);

    log(RealtimeWindow::tr("window opened: %1 %2, streams from %3").arg(m_symbol, qs(toString(m_interval)), qs(m_options.streamBase)));
    m_session->subscribe(specs(m_enabled), m_listener);
    m_feed->requestSymbols();
    openChart();

    m_chartPacer = std::make_unique<FramePacer>(this, [this] { m_canvas->seriesChanged(); });
    m_tickerPacer = std::make_unique<FramePacer>(this, [this] { updateTicker(); });
    // Applied once a display frame (the default), the views show each frame's changes at once:
    // the window's frame is their pacing. Applied more often (a frameInterval set), each view
    // paces its repaints to the display's frame itself.
    m_frameInterval = m_options.frameInterval.count() > 0 ? m_options.frameInterval : FramePacer::periodOf(screen());
    if (m_options.frameInterval.count() == 0) {
        for (FramePacer* pacer : {m_chartPacer.get(), m_tickerPacer.get()}) pacer->setPeriod(std::chrono::milliseconds(0));
        m_tradesView->setFramePeriod(std::chrono::milliseconds(0));
        m_ladder->setFramePeriod(std::chrono::milliseconds(0));
    } else {
        m_chartPacer->followScreen(screen());
        m_tickerPacer->followScreen(screen());
    }
    m_frameTimer = new QTimer(this);
    m_frameTimer->setTimerType(Qt::PreciseTimer);
    m_frameTimer->setSingleShot(true);
    connect(m_frameTimer, &QTimer::timeout, this, &RealtimeWindow::applyFrame);
    m_sinceFrame.start();
    m_healthTimer = new QTimer(this);
    connect(m_healthTimer, &QTimer::timeout, this, &RealtimeWindow::refreshHealth);
    m_healthTimer->start(kHealthMs);
}

RealtimeWindow::~RealtimeWindow() {
    // QWidget's destructor deletes the children after this object has stopped being a
    // RealtimeWindow; a child that signals on its way out (the symbol box's line edit does) or an
    // event filter would then call into a half-destroyed window. Cut those ties first.
    for (QObject* child : findChildren<QObject*>()) {
        child->removeEventFilter(this);
        QObject::disconnect(child, nullptr, this, nullptr);
    }
    m_frameTimer->stop();
    m_healthTimer->stop();
    m_inbox.reset();  // the shared session may still deliver: nothing reaches this window now
    if (m_session) m_session->unsubscribe(specs(m_enabled), m_listener);  // the last user leaving unsubscribes
    if (m_feed) m_feed->stop();
    m_feed.reset();
    m_listener.reset();
    m_session.reset();
    if (m_ownMarket) m_ownMarket->stop();
    m_ownMarket.reset();
    m_io.reset();
    m_canvas->setSeries(nullptr, m_interval, 2);  // the series is a member, gone before the canvas
}

// ---- UI -------------------------------------------------------------------------------------

void RealtimeWindow::buildUi() {
    setWindowTitle(tr("Realtime test — %1").arg(m_symbol));
    auto* bar = addToolBar(tr("Realtime"));
    bar->setObjectName(QStringLiteral("realtimeToolbar"));
    bar->setMovable(false);
    bar->addWidget(new QLabel(tr(" Symbol "), bar));
    m_symbolBox = new QComboBox(bar);
    m_symbolBox->setObjectName(QStringLiteral("realtimeSymbolBox"));
    m_symbolBox->setEditable(true);
    m_symbolBox->setInsertPolicy(QComboBox::NoInsert);
    m_symbolBox->setMinimumContentsLength(10);
    m_symbolBox->completer()->setFilterMode(Qt::MatchContains);
    m_symbolBox->completer()->setCaseSensitivity(Qt::CaseInsensitive);
    m_symbolBox->addItem(m_symbol);
    connect(m_symbolBox, &QComboBox::activated, this, [this](int) { setSymbol(m_symbolBox->currentText()); });
    connect(m_symbolBox->lineEdit(), &QLineEdit::returnPressed, this, [this] { setSymbol(m_symbolBox->currentText()); });
    bar->addWidget(m_symbolBox);
    bar->addWidget(new QLabel(tr("  Timeframe "), bar));
    m_intervalBox = new QComboBox(bar);
    m_intervalBox->setObjectName(QStringLiteral("realtimeIntervalBox"));
    for (Interval i : kAllIntervals) m_intervalBox->addItem(qs(toString(i)), static_cast<int>(i));
    m_intervalBox->setCurrentIndex(m_intervalBox->findData(static_cast<int>(m_interval)));
    connect(m_intervalBox, &QComboBox::activated, this,
            [this](int index) { setInterval(static_cast<Interval>(m_intervalBox->itemData(index).toInt())); });
    bar->addWidget(m_intervalBox);
    bar->addSeparator();
    bar->addWidget(new QLabel(tr(" Streams "), bar));
    for (const KindInfo& k : kKinds) {
        auto* box = new QCheckBox(QString::fromLatin1(k.label), bar);
        box->setObjectName(QString::fromLatin1(k.objectName));
        box->setChecked(std::find(m_enabled.begin(), m_enabled.end(), k.kind) != m_enabled.end());
        box->setToolTip(tr("Subscribe or unsubscribe this stream live, on the open connection"));
        const StreamKind kind = k.kind;
        connect(box, &QCheckBox::toggled, this, [this, kind](bool on) { setStreamEnabled(kind, on); });
        bar->addWidget(box);
        m_streamBoxes[k.kind] = box;
    }
    bar->addSeparator();
    m_reconnectButton = new QPushButton(tr("Force reconnect"), bar);
    m_reconnectButton->setObjectName(QStringLiteral("forceReconnectButton"));
    m_reconnectButton->setToolTip(tr("Drop both connections now: they reconnect and backfill what they missed"));
    connect(m_reconnectButton, &QPushButton::clicked, this, &RealtimeWindow::forceReconnect);
    bar->addWidget(m_reconnectButton);

    const QFont fixed = QFontDatabase::systemFont(QFontDatabase::FixedFont);

    // Left: chart over (health | log). Right: ticker, order book, trades.
    auto* columns = new QSplitter(Qt::Horizontal, this);
    auto* left = new QSplitter(Qt::Vertical, columns);
    m_canvas = new chart_qt::ChartCanvas(left);
    m_canvas->setObjectName(QStringLiteral("realtimeChart"));
    m_canvas->installEventFilter(this);

    auto* lower = new QWidget(left);
    auto* lowerLayout = new QHBoxLayout(lower);
    lowerLayout->setContentsMargins(0, 0, 0, 0);
    auto* healthBox = new QGroupBox(tr("Feed health"), lower);
    auto* healthLayout = new QVBoxLayout(healthBox);
    m_streamTable = new QTableWidget(0, 4, healthBox);
    m_streamTable->setObjectName(QStringLiteral("streamHealthTable"));
    m_streamTable->setHorizontalHeaderLabels({tr("Stream"), tr("msgs/s"), tr("bytes/s"), tr("messages")});
    m_streamTable->verticalHeader()->hide();
    m_streamTable->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_streamTable->setSelectionMode(QAbstractItemView::NoSelection);
    m_streamTable->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    // The figures' columns as wide as their widest likely text, fixed: sized to their contents,
    // every refresh measured every cell again (a fifth of the window's GUI time at 1,000 trades/s).
    const QFontMetrics tableMetrics = m_streamTable->fontMetrics();
    const QString widest[] = {QLocale().toString(88888.8, 'f', 1), QStringLiteral("888.8 kB/s"),
                              QLocale().toString(Q_INT64_C(8888888888))};
    for (int c = 1; c < 4; ++c) {
        m_streamTable->horizontalHeader()->setSectionResizeMode(c, QHeaderView::Fixed);
        const int header = m_streamTable->horizontalHeader()->fontMetrics().horizontalAdvance(
            m_streamTable->horizontalHeaderItem(c)->text());
        m_streamTable->setColumnWidth(c, std::max(header, tableMetrics.horizontalAdvance(widest[c - 1])) + 16);
    }
    m_streamTable->verticalHeader()->setDefaultSectionSize(m_streamTable->fontMetrics().height() + 4);
    // Room for all six streams without scrolling.
    m_streamTable->setMinimumHeight(m_streamTable->verticalHeader()->defaultSectionSize() * 7 +
                                    m_streamTable->horizontalHeader()->sizeHint().height());
    healthLayout->addWidget(m_streamTable, 1);
    auto* form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    // The figures change at every refresh: ValueLabels (no relayout of the window for a new
    // number). The last error, rare and long, wraps and can be selected.
    const auto addHealth = [&](const QString& key, const QString& label) {
        auto* value = new ValueLabel(QStringLiteral("–"), healthBox);
        value->setObjectName(QStringLiteral("health_") + key);
        form->addRow(label, value);
        m_healthLabels[key] = value;
    };
    addHealth(QStringLiteral("total"), tr("All streams"));
    addHealth(QStringLiteral("receipt"), tr("Event → receipt"));
    addHealth(QStringLiteral("paint"), tr("Event → paint"));
    addHealth(QStringLiteral("frame"), tr("GUI frame"));
    addHealth(QStringLiteral("counters"), tr("Reconnects"));
    addHealth(QStringLiteral("clock"), tr("Clock offset"));
    m_errorLabel = new QLabel(QStringLiteral("–"), healthBox);
    m_errorLabel->setObjectName(QStringLiteral("health_error"));
    m_errorLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_errorLabel->setWordWrap(true);
    form->addRow(tr("Last error"), m_errorLabel);
    healthLayout->addLayout(form);
    lowerLayout->addWidget(healthBox, 3);

    auto* logBox = new QGroupBox(tr("State log"), lower);
    auto* logLayout = new QVBoxLayout(logBox);
    m_log = new QPlainTextEdit(logBox);
    m_log->setObjectName(QStringLiteral("realtimeLog"));
    m_log->setReadOnly(true);
    m_log->setMaximumBlockCount(1000);
    m_log->setFont(fixed);
    m_log->setLineWrapMode(QPlainTextEdit::WidgetWidth);
    logLayout->addWidget(m_log);
    lowerLayout->addWidget(logBox, 2);
    left->addWidget(m_canvas);
    left->addWidget(lower);
    left->setStretchFactor(0, 3);
    left->setStretchFactor(1, 2);

    auto* right = new QWidget(columns);
    auto* rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(4, 0, 0, 0);
    auto* tickerBox = new QGroupBox(tr("24h ticker"), right);
    auto* tickerGrid = new QGridLayout(tickerBox);
    const auto addTicker = [&](const QString& key, const QString& label, int row, int col) {
        auto* name = new QLabel(label, tickerBox);
        name->setForegroundRole(QPalette::PlaceholderText);
        auto* value = new ValueLabel(QStringLiteral("–"), tickerBox);
        value->setObjectName(QStringLiteral("ticker_") + key);
        value->setFont(fixed);
        value->installEventFilter(this);
        tickerGrid->addWidget(name, row, col * 2);
        tickerGrid->addWidget(value, row, col * 2 + 1);
        m_tickerLabels[key] = value;
    };
    addTicker(QStringLiteral("last"), tr("Last"), 0, 0);
    addTicker(QStringLiteral("change"), tr("Change"), 0, 1);
    addTicker(QStringLiteral("high"), tr("High"), 1, 0);
    addTicker(QStringLiteral("low"), tr("Low"), 1, 1);
    addTicker(QStringLiteral("volume"), tr("Volume"), 2, 0);
    addTicker(QStringLiteral("quoteVolume"), tr("Quote vol."), 2, 1);
    addTicker(QStringLiteral("bid"), tr("Best bid"), 3, 0);
    addTicker(QStringLiteral("ask"), tr("Best ask"), 3, 1);
    QFont big = fixed;
    big.setPointSizeF(big.pointSizeF() * 1.4);
    big.setBold(true);
    m_tickerLabels[QStringLiteral("last")]->setFont(big);
    rightLayout->addWidget(tickerBox);

    auto* bookBox = new QGroupBox(tr("Order book"), right);
    auto* bookLayout = new QVBoxLayout(bookBox);
    m_ladder = new OrderBookLadder(m_options.bookLevels, bookBox);
    m_ladder->setObjectName(QStringLiteral("orderBookLadder"));
    m_ladder->installEventFilter(this);
    bookLayout->addWidget(m_ladder);
    rightLayout->addWidget(bookBox, 3);

    auto* tradesBox = new QGroupBox(tr("Trades"), right);
    auto* tradesLayout = new QVBoxLayout(tradesBox);
    auto* tradesHeader = new QHBoxLayout;
    m_tradeRateLabel = new ValueLabel(tr("– trades/s"), tradesBox);
    m_tradeRateLabel->setObjectName(QStringLiteral("tradeRateLabel"));
    tradesHeader->addWidget(m_tradeRateLabel, 1);
    tradesHeader->addWidget(new QLabel(tr("keep"), tradesBox));
    auto* maxRows = new QSpinBox(tradesBox);
    maxRows->setObjectName(QStringLiteral("maxTradeRowsBox"));
    maxRows->setRange(10, 100'000);
    maxRows->setSingleStep(100);
    maxRows->setValue(m_options.maxTradeRows);
    maxRows->setSuffix(tr(" rows"));
    maxRows->setToolTip(tr("How many of the newest trades the table keeps"));
    tradesHeader->addWidget(maxRows);
    tradesLayout->addLayout(tradesHeader);
    m_trades = new TradesTableModel(m_options.maxTradeRows, this);
    if (!m_trades->setTimeZone(m_options.timeZone))
        log(tr("unknown time zone \"%1\"; trade times are in UTC").arg(m_options.timeZone));
    // Its own widget (TradeTape): shifts its pixels by the rows that came, draws only those, and
    // repaints at most once per display frame.
    m_tradesView = new TradeTape(m_trades, tradesBox);
    m_tradesView->setObjectName(QStringLiteral("tradesView"));
    m_tradesView->setFont(fixed);
    m_tradesView->viewport()->installEventFilter(this);
    connect(maxRows, &QSpinBox::valueChanged, m_trades, &TradesTableModel::setMaxRows);
    tradesLayout->addWidget(m_tradesView);
    rightLayout->addWidget(tradesBox, 4);
    if (m_options.marketType == MarketType::Perp) {
        auto* liquidationsBox = new QGroupBox(tr("Liquidations"), right);
        auto* liquidationsLayout = new QVBoxLayout(liquidationsBox);
        m_liquidations = new LiquidationTable(200, liquidationsBox);
        m_liquidations->setFont(fixed);
        m_liquidations->setTimeZone(m_options.timeZone);
        liquidationsLayout->addWidget(m_liquidations);
        rightLayout->addWidget(liquidationsBox, 2);
    }

    columns->addWidget(left);
    columns->addWidget(right);
    columns->setStretchFactor(0, 3);
    columns->setStretchFactor(1, 2);
    setCentralWidget(columns);
    resize(1440, 900);
}

QCheckBox* RealtimeWindow::streamCheckBox(StreamKind kind) const {
    const auto it = m_streamBoxes.find(kind);
    return it == m_streamBoxes.end() ? nullptr : it->second;
}

QString RealtimeWindow::logText() const { return m_log->toPlainText(); }

void RealtimeWindow::log(const QString& line) {
    const QString time = QDateTime::currentDateTimeUtc().toString(QStringLiteral("HH:mm:ss.zzz"));
    m_log->appendPlainText(time + QStringLiteral("  ") + line);
}

session::StreamSessionStats RealtimeWindow::sessionStats() const { return m_session->stats(); }

// ---- Streams ----------------------------------------------------------------------------------

exchange::StreamSpec RealtimeWindow::spec(StreamKind kind) const {
    exchange::StreamSpec s;
    s.symbol = m_symbol.toStdString();
    s.interval = m_interval;
    s.kind = kind;
    return s;
}

std::vector<exchange::StreamSpec> RealtimeWindow::specs(const std::vector<StreamKind>& kinds) const {
    std::vector<exchange::StreamSpec> out;
    for (StreamKind k : kinds) out.push_back(spec(k));
    return out;
}

bool RealtimeWindow::streamEnabled(StreamKind kind) const {
    return std::find(m_enabled.begin(), m_enabled.end(), kind) != m_enabled.end();
}

void RealtimeWindow::setStreamEnabled(StreamKind kind, bool on) {
    if (QCheckBox* box = streamCheckBox(kind); box && box->isChecked() != on) {
        box->setChecked(on);  // comes back here through toggled()
        return;
    }
    if (on == streamEnabled(kind)) return;
    const std::string name = m_adapter->streamName(spec(kind));
    if (on) {
        m_enabled.push_back(kind);
        m_session->subscribe({spec(kind)}, m_listener);
        log(tr("subscribe %1").arg(qs(name)));
    } else {
        m_enabled.erase(std::find(m_enabled.begin(), m_enabled.end(), kind));
        m_session->unsubscribe({spec(kind)}, m_listener);
        log(tr("unsubscribe %1").arg(qs(name)));
        if (kind == StreamKind::Depth) m_ladder->clear();
    }
}

void RealtimeWindow::setSymbol(const QString& symbolText) {
    const QString symbol = symbolText.trimmed().toUpper();
    if (symbol.isEmpty() || symbol == m_symbol) return;
    if (!m_symbols.empty() &&
        std::none_of(m_symbols.begin(), m_symbols.end(), [&](const auto& s) { return qs(s.symbol) == symbol; })) {
        log(tr("unknown symbol %1").arg(symbol));
        m_symbolBox->setCurrentText(m_symbol);
        return;
    }
    m_session->unsubscribe(specs(m_enabled), m_listener);
    m_symbol = symbol;
    m_session->subscribe(specs(m_enabled), m_listener);
    m_trades->clear();
    m_ladder->clear();
    m_ticker.reset();
    m_bookTicker.reset();
    updateTicker();
    if (m_symbolBox->currentText() != m_symbol) m_symbolBox->setCurrentText(m_symbol);
    setWindowTitle(tr("Realtime test — %1").arg(m_symbol));
    log(tr("symbol %1").arg(m_symbol));
    applySymbolDecimals();
    openChart();
}

void RealtimeWindow::setInterval(Interval interval) {
    if (interval == m_interval) return;
    const bool kline = streamEnabled(StreamKind::Kline);
    if (kline) m_session->unsubscribe({spec(StreamKind::Kline)}, m_listener);
    m_interval = interval;
    if (kline) m_session->subscribe({spec(StreamKind::Kline)}, m_listener);
    const int index = m_intervalBox->findData(static_cast<int>(interval));
    if (m_intervalBox->currentIndex() != index) m_intervalBox->setCurrentIndex(index);
    log(tr("timeframe %1").arg(qs(toString(interval))));
    openChart();
}

void RealtimeWindow::startOver() {
    if (!m_session || !m_inbox) return;
    m_session->unsubscribe(specs(m_enabled), m_listener);
    m_inbox->takeAll();
    m_frame.clear();
    m_trades->clear();
    m_ladder->clear();
    if (m_liquidations) m_liquidations->setRowCount(0);
    m_ticker.reset();
    m_bookTicker.reset();
    m_tradesReceived = 0;
    m_session->subscribe(specs(m_enabled), m_listener);
    updateTicker();
    log(tr("the replay went back: starting over from the recording's start"));
    openChart();
}

void RealtimeWindow::forceReconnect() {
    // The chart feed's kline stream rides the same connection: one drop reconnects both (and the
    // chart backfills its gap).
    log(tr("force reconnect: dropping the venue connection"));
    m_session->dropConnection();
}

void RealtimeWindow::openChart() {
    SeriesKey key{m_adapter->name(), m_symbol.toStdString(), m_interval};
    m_series = market::CandleSeries(key);
    m_chartHistoryLoaded = false;
    int priceDecimals = 2;
    for (const auto& s : m_symbols)
        if (qs(s.symbol) == m_symbol) priceDecimals = s.priceDecimals;
    m_canvas->setSeries(&m_series, m_interval, priceDecimals);
    m_canvas->model().setVenueLabel(m_options.simulator ? tr("Simulator").toStdString() : "");
    m_canvas->setPlaceholderText(tr("Loading %1 %2…").arg(m_symbol, qs(toString(m_interval))));
    m_feed->open(key);
}

void RealtimeWindow::applySymbolDecimals() {
    for (const auto& s : m_symbols)
        if (qs(s.symbol) == m_symbol) {
            m_trades->setDecimals(s.priceDecimals, s.quantityDecimals);
            m_ladder->setDecimals(s.priceDecimals, s.quantityDecimals);
        }
}

// ---- The frame --------------------------------------------------------------------------------

void RealtimeWindow::scheduleFrame() {
    // At most one model update per frameInterval (the display's frame): apply now when the last
    // one is that old (a quiet feed pays no coalescing delay), else when it will be. The views
    // then repaint right after it.
    if (m_frameTimer->isActive()) return;
    const qint64 since = m_sinceFrame.elapsed();
    const qint64 interval = m_frameInterval.count();
    if (since >= interval)
        applyFrame();
    else
        m_frameTimer->start(static_cast<int>(interval - since));
}

void RealtimeWindow::applyFrame() {
    m_sinceFrame.restart();
    if (!m_inbox) return;
    QElapsedTimer cost;
    cost.start();
    // Everything posted since the last frame, in posting order: the ports' tasks add their events
    // to m_frame (a plain feed event, posted by none of them today, counts as the session's).
    for (session::Handoff& item : m_inbox->takeAll()) {
        if (auto* task = std::get_if<session::Task>(&item)) (*task)();
        else m_frame.push_back(Received{std::move(std::get<feed::FeedEvent>(item)), cpc::nowMs(), false});
    }
    if (m_frame.empty()) return;
    apply(m_frame);
    m_frame.clear();
    ++m_framesApplied;
    m_frameCost.add(cpc::nowMs(), cost.nsecsElapsed() / 1000);
}

void RealtimeWindow::apply(std::vector<Received>& batch) {
    const std::string symbol = m_symbol.toStdString();
    const bool tradeStream = streamEnabled(StreamKind::Trade);
    std::vector<exchange::TradeTick> trades;
    const feed::OrderBookView* book = nullptr;
    bool seriesChanged = false;
    bool tickerChanged = false;
    const auto awaitPaint = [&](std::int64_t eventTimeMs, std::int64_t receivedMs) {
        if (eventTimeMs <= 0) return;
        m_healthStats.addReceipt(eventTimeMs, receivedMs);
        if (m_awaitingPaint.size() < kMaxAwaitingPaint) m_awaitingPaint.push_back(eventTimeMs);
    };
    for (Received& r : batch) {
        feed::FeedEvent& e = r.event;
        if (auto* t = std::get_if<exchange::TradeTick>(&e)) {
            if (t->symbol != symbol) continue;
            awaitPaint(t->eventTimeMs, r.receivedMs);
            // The table shows plain trades; aggregate trades only while the trade stream is off.
            if (t->aggregate && tradeStream) continue;
            trades.push_back(std::move(*t));
        } else if (auto* k = std::get_if<exchange::KlineUpdate>(&e)) {
            if (k->key.symbol != symbol || k->key.interval != m_interval) continue;
            awaitPaint(k->eventTimeMs, r.receivedMs);
            m_series.upsert(k->candle);
            seriesChanged = true;
        } else if (auto* h = std::get_if<feed::HistoryBatch>(&e)) {
            if (h->key != m_series.key() || h->older) continue;
            m_series.merge(h->candles);
            seriesChanged = true;
            // MarketFeed sends live history once per connection: after the first, each one is
            // the REST backfill of a reconnect.
            if (m_chartHistoryLoaded) {
                m_healthStats.addBackfill();
                log(tr("chart feed: backfill done (%1 candles over REST)").arg(h->candles.size()));
            } else {
                log(tr("chart feed: history loaded (%1 candles)").arg(h->candles.size()));
            }
            m_chartHistoryLoaded = true;
        } else if (auto* b = std::get_if<feed::OrderBookView>(&e)) {
            if (b->symbol == symbol && streamEnabled(StreamKind::Depth)) book = b;
        } else if (auto* tk = std::get_if<exchange::Ticker24h>(&e)) {
            // A mini ticker (Binance's miniTicker; the only 24 h ticker of Bybit's spot) is shown
            // unless a full one is: its change is worked out from the open when it has none.
            if (tk->symbol != symbol || (tk->mini && m_ticker && !m_ticker->mini)) continue;
            awaitPaint(tk->eventTimeMs, r.receivedMs);
            if (tk->mini && tk->priceChange == Decimal{} && tk->open != Decimal{}) {
                tk->priceChange = tk->lastPrice - tk->open;
                if (const auto pct = Decimal::fromDouble(tk->priceChange.toDouble() / tk->open.toDouble() * 100.0))
                    tk->priceChangePercent = *pct;
            }
            m_ticker = std::move(*tk);
            tickerChanged = true;
        } else if (auto* l = std::get_if<exchange::Liquidation>(&e)) {
            if (m_liquidations && l->symbol == symbol) m_liquidations->add(*l);
        } else if (auto* bt = std::get_if<exchange::BookTicker>(&e)) {
            if (bt->symbol != symbol) continue;
            m_bookTicker = std::move(*bt);
            tickerChanged = true;
        } else if (auto* st = std::get_if<feed::FeedStatus>(&e)) {
            if (r.fromChartFeed && st->key != m_series.key()) continue;
            feed::FeedStatus status = *st;
            status.key.symbol = (r.fromChartFeed ? tr("chart feed") : tr("stream session")).toStdString();
            onStatus(status);
        } else if (auto* list = std::get_if<feed::SymbolList>(&e)) {
            m_symbols = std::move(list->symbols);
            const QSignalBlocker block(m_symbolBox);
            m_symbolBox->clear();
            for (const auto& s : m_symbols) m_symbolBox->addItem(qs(s.symbol));
            m_symbolBox->setCurrentText(m_symbol);
            applySymbolDecimals();
            int priceDecimals = 2;
            for (const auto& s : m_symbols)
                if (qs(s.symbol) == m_symbol) priceDecimals = s.priceDecimals;
            m_canvas->setSeries(&m_series, m_interval, priceDecimals);
        } else if (auto* err = std::get_if<feed::FeedError>(&e)) {
            log(tr("%1 error: %2").arg(r.fromChartFeed ? tr("chart feed") : tr("stream session"),
                                       coreText(err->error.message)));
        }
    }
    if (!trades.empty()) {
        m_tradesReceived += trades.size();
        m_trades->addTrades(trades);
    }
    if (book) m_ladder->setBook(*book);
    if (seriesChanged) {
        m_canvas->setPlaceholderText(QString());
        m_chartPacer->request();
    }
    if (tickerChanged) m_tickerPacer->request();
}

void RealtimeWindow::onStatus(const feed::FeedStatus& status) {
    const std::string& source = status.key.symbol;
    auto& last = m_states[source];
    const bool changed = last != status.state;
    last = status.state;
    if (!changed && status.state != feed::FeedState::Reconnecting) return;
    QString line = qs(source) + QStringLiteral(": ") + feedStateText(status.state);
    if (status.state == feed::FeedState::Reconnecting && status.retryInMs > 0)
        line += tr(" (retry in %L1 ms)").arg(status.retryInMs);
    if (!status.detail.empty() && status.detail != feed::toString(status.state))
        line += QStringLiteral(" — ") + coreText(status.detail);
    log(line);
}

void RealtimeWindow::updateTicker() {
    // ValueLabel repaints only what changed, and lays the panel out again only when a text is
    // wider than before: the book ticker changes many times a second while most fields stay.
    const auto set = [this](const QString& key, const QString& text, const QColor& color = {}) {
        ValueLabel* l = m_tickerLabels.at(key);
        l->setText(text);
        l->setColour(color);
    };
    int priceDecimals = 8, qtyDecimals = 8;
    for (const auto& s : m_symbols)
        if (qs(s.symbol) == m_symbol) {
            priceDecimals = s.priceDecimals;
            qtyDecimals = s.quantityDecimals;
        }
    if (m_ticker) {
        const auto& t = *m_ticker;
        const bool up = !(t.priceChange < Decimal{});
        const QColor c = up ? TradesTableModel::buyColor() : TradesTableModel::sellColor();
        set(QStringLiteral("last"), formatDecimal(t.lastPrice, priceDecimals), c);
        set(QStringLiteral("change"),
            QStringLiteral("%1%2 (%3%4 %)")
                .arg(up ? QStringLiteral("+") : QString(), formatDecimal(t.priceChange, priceDecimals),
                     up ? QStringLiteral("+") : QString(), formatDecimal(t.priceChangePercent, 2)),
            c);
        set(QStringLiteral("high"), formatDecimal(t.high, priceDecimals));
        set(QStringLiteral("low"), formatDecimal(t.low, priceDecimals));
        set(QStringLiteral("volume"), formatDecimal(t.volume, qtyDecimals));
        set(QStringLiteral("quoteVolume"), formatDecimal(t.quoteVolume, 2));
    } else {
        for (const char* k : {"last", "change", "high", "low", "volume", "quoteVolume"})
            set(QString::fromLatin1(k), QStringLiteral("–"));
    }
    if (m_bookTicker) {
        set(QStringLiteral("bid"),
            formatDecimal(m_bookTicker->bidPrice, priceDecimals) + QStringLiteral(" × ") +
                formatDecimal(m_bookTicker->bidQuantity, qtyDecimals),
            TradesTableModel::buyColor());
        set(QStringLiteral("ask"),
            formatDecimal(m_bookTicker->askPrice, priceDecimals) + QStringLiteral(" × ") +
                formatDecimal(m_bookTicker->askQuantity, qtyDecimals),
            TradesTableModel::sellColor());
    } else {
        set(QStringLiteral("bid"), QStringLiteral("–"));
        set(QStringLiteral("ask"), QStringLiteral("–"));
    }
}

bool RealtimeWindow::eventFilter(QObject* watched, QEvent* event) {
    if (event->type() == QEvent::Paint && !m_awaitingPaint.empty()) {
        // The first paint after a frame's changes: everything applied so far reaches the screen now.
        const std::int64_t now = cpc::nowMs();
        for (std::int64_t t : m_awaitingPaint) m_healthStats.addPaint(t, now);
        m_awaitingPaint.clear();
    }
    return QMainWindow::eventFilter(watched, event);
}

// ---- Health -------------------------------------------------------------------------------------

void RealtimeWindow::refreshHealth() {
    const std::int64_t now = cpc::nowMs();
    m_healthStats.updateSession(now, m_session->stats());
    m_tradeRate.sample(now, m_tradesReceived);
    m_snapshot = m_healthStats.snapshot(now);
    const auto& s = m_snapshot;

    m_tradeRateLabel->setText(tr("%L1 trades/s · %L2 received · newest on top")
                                  .arg(m_tradeRate.perSecond(), 0, 'f', 0)
                                  .arg(m_tradesReceived));
    // Only the streams of what the window shows now: the session's counters keep a switched-away
    // symbol's streams (and, shared, other windows' streams).
    std::vector<std::string> wanted;
    for (const auto& stream : specs(m_enabled)) wanted.push_back(m_adapter->streamName(stream));
    wanted.push_back(m_adapter->streamName(spec(StreamKind::Kline)));  // the chart's feed
    std::vector<const session::StreamHealth*> shown;
    for (const auto& h : s.streams)
        if (std::find(wanted.begin(), wanted.end(), h.stream) != wanted.end()) shown.push_back(&h);
    m_streamTable->setRowCount(static_cast<int>(shown.size()));
    for (int row = 0; row < static_cast<int>(shown.size()); ++row) {
        const auto& h = *shown[static_cast<std::size_t>(row)];
        const QString texts[] = {qs(h.stream), QLocale().toString(h.messagesPerSecond, 'f', 1), humanBytes(h.bytesPerSecond),
                                 QLocale().toString(static_cast<qlonglong>(h.messages))};
        for (int c = 0; c < 4; ++c) {
            QTableWidgetItem* item = m_streamTable->item(row, c);
            if (!item) {
                item = new QTableWidgetItem;
                if (c > 0) item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
                m_streamTable->setItem(row, c, item);
            }
            if (item->text() != texts[c]) item->setText(texts[c]);
        }
    }
    m_healthLabels.at(QStringLiteral("total"))
        ->setText(tr("%L1 msgs/s · %2 · %3").arg(s.messagesPerSecond, 0, 'f', 1).arg(humanBytes(s.bytesPerSecond))
                      .arg(s.connected ? tr("connected") : tr("disconnected")));
    m_healthLabels.at(QStringLiteral("receipt"))->setText(latencyText(s.receipt));
    m_healthLabels.at(QStringLiteral("paint"))->setText(latencyText(s.paint));
    m_frameSummary = m_frameCost.summary(now);
    m_healthLabels.at(QStringLiteral("frame"))
        ->setText(m_frameSummary.count == 0
                      ? QStringLiteral("–")
                      : tr("apply p50 %L1 · p99 %L2 · max %L3 ms, %L4 frames/s")
                            .arg(m_frameSummary.p50 / 1000.0, 0, 'f', 2)
                            .arg(m_frameSummary.p99 / 1000.0, 0, 'f', 2)
                            .arg(m_frameSummary.max / 1000.0, 0, 'f', 2)
                            .arg(static_cast<double>(m_frameSummary.count) /
                                     std::clamp(static_cast<double>(now - m_openedAtMs) / 1000.0, 1.0, 10.0),
                                 0, 'f', 0));
    m_healthLabels.at(QStringLiteral("counters"))
        ->setText(tr("%L1 · gaps backfilled %L2 · frames rejected %L3 · book resyncs %L4")
                      .arg(s.reconnects)
                      .arg(s.gapsBackfilled)
                      .arg(s.framesRejected)
                      .arg(s.bookResyncs));
    m_healthLabels.at(QStringLiteral("clock"))
        ->setText(s.clockSynced ? tr("%L1 ms (exchange − local, from %2)")
                                      .arg(s.clockOffsetMs)
                                      .arg(qs(m_adapter->serverTimeRequest().target))
                                : tr("not measured yet"));
    m_errorLabel->setText(s.lastError.empty() ? tr("none") : qs(s.lastError));
}

}  // namespace cpc::app
