#include "cpc/app/bar_replay_ui.hpp"

#include <QAction>
#include <QComboBox>
#include <QEvent>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QMainWindow>
#include <QMenu>
#include <QMouseEvent>
#include <QPainter>
#include <QRegularExpression>
#include <QStatusBar>
#include <QTimer>
#include <QToolBar>
#include <algorithm>

#include "cpc/app/app_services.hpp"
#include "cpc/app/chart_controller.hpp"
#include "cpc/app/chart_pane.hpp"
#include "cpc/app/core_text.hpp"
#include "cpc/app/main_window.hpp"
#include "cpc/chart_qt/chart_canvas.hpp"
#include "cpc/core/time.hpp"
#include "cpc/market/candle_store.hpp"

namespace cpc::app {

namespace {

constexpr int kFrameMs = 40;               // the replay's clock moves 25 times a second
constexpr int kStepFrames = 10;            // a stepped bar grows over 10 frames (0.4 s)
constexpr std::size_t kMaxFineCandles = 50'000;  // lower-timeframe candles read per chart (~35 days of 1m)
constexpr int kSpeeds[] = {1, 2, 3, 5, 10};

QString utcText(std::int64_t ms) { return QString::fromStdString(formatUtc(ms)).left(16); }

// The side toolbar's button: a bar chart with a "rewind" mark, in the palette's text colour.
QIcon replayIcon(const QColor& ink) {
    QIcon icon;
    for (const int size : {24, 48}) {
        QPixmap pixmap(size, size);
        pixmap.fill(Qt::transparent);
        QPainter p(&pixmap);
        p.setRenderHint(QPainter::Antialiasing);
        p.scale(size / 24.0, size / 24.0);
        p.setPen(QPen(ink, 1.6));
        p.drawLine(QPointF(5, 4), QPointF(5, 20));  // the replay's start line
        p.setBrush(ink);
        p.setPen(Qt::NoPen);
        p.drawPolygon(QPolygonF({QPointF(8, 12), QPointF(14, 7), QPointF(14, 17)}));
        p.drawPolygon(QPolygonF({QPointF(14, 12), QPointF(20, 7), QPointF(20, 17)}));
        icon.addPixmap(pixmap);
    }
    return icon;
}

// The lower timeframe a chart's bars grow from: 1s under 1m, 1m under anything longer.
std::optional<Interval> fineIntervalFor(Interval interval) {
    if (interval == Interval::S1 || interval == Interval::D3) return std::nullopt;
    return interval == Interval::M1 ? Interval::S1 : Interval::M1;
}

}  // namespace

std::optional<std::int64_t> parseReplayTime(const QString& text, std::int64_t nowMs) {
    const QString trimmed = text.trimmed();
    static const QRegularExpression back(QStringLiteral("^-(\\d{1,6})([mhd])$"));
    if (const auto match = back.match(trimmed); match.hasMatch()) {
        const std::int64_t count = match.captured(1).toLongLong();
        const QChar unit = match.captured(2).at(0);
        const std::int64_t unitMs = unit == QLatin1Char('m') ? 60'000 : unit == QLatin1Char('h') ? 3'600'000 : 86'400'000;
        return nowMs - count * unitMs;
    }
    return parseUtc(trimmed.toStdString());
}

BarReplayUi::BarReplayUi(MainWindow& window, QMenu& menu, QToolBar& sideBar) : QObject(&window), m_window(window) {
    setObjectName(QStringLiteral("barReplay"));
    m_startAction = new QAction(tr("Bar Replay"), this);
    m_startAction->setObjectName(QStringLiteral("barReplayAction"));
    m_startAction->setShortcut(QKeySequence(tr("Shift+Alt+R")));
    m_startAction->setToolTip(tr("Bar Replay: choose a bar, hide the later ones and replay them (Shift+Alt+R)"));
    m_startAction->setIcon(replayIcon(window.palette().color(QPalette::WindowText)));
    connect(m_startAction, &QAction::triggered, this, &BarReplayUi::beginSelection);
    menu.addAction(m_startAction);
    sideBar.addAction(m_startAction);

    m_bar = new QToolBar(tr("Bar Replay"), &window);
    m_bar->setObjectName(QStringLiteral("barReplayBar"));
    m_bar->setMovable(false);
    window.addToolBarBreak(Qt::TopToolBarArea);
    window.addToolBar(Qt::TopToolBarArea, m_bar);
    m_timeLabel = new QLabel(m_bar);
    m_timeLabel->setObjectName(QStringLiteral("barReplayTime"));
    m_timeLabel->setStyleSheet(QStringLiteral("QLabel { color: white; background: #f23645; font-weight: bold; "
                                              "border-radius: 3px; padding: 2px 8px; }"));
    m_bar->addWidget(m_timeLabel);
    m_bar->addSeparator();
    m_jumpAction = m_bar->addAction(tr("Select bar"), this, &BarReplayUi::beginSelection);
    m_jumpAction->setObjectName(QStringLiteral("barReplaySelect"));
    m_jumpAction->setToolTip(tr("Click a candle on the chart to start the replay there"));
    m_dateBox = new QLineEdit(m_bar);
    m_dateBox->setObjectName(QStringLiteral("barReplayDate"));
    m_dateBox->setPlaceholderText(tr("YYYY-MM-DD HH:MM (UTC)"));
    m_dateBox->setToolTip(tr("Start the replay at this time (UTC), or a time back from now: -6h, -2d"));
    m_dateBox->setMaximumWidth(170);
    m_bar->addWidget(m_dateBox);
    auto goToDate = [this] {
        ChartPane* pane = m_selecting ? m_selecting.data()
                          : (!m_panes.empty() && m_panes[m_driver]) ? m_panes[m_driver].data()
                                                                    : m_window.activePane();
        const auto time = parseReplayTime(m_dateBox->text(), nowMs());
        if (!time) {
            m_window.statusBar()->showMessage(
                tr("Bar Replay: \"%1\" is not a time; type e.g. 2024-01-15 13:05 (UTC) or -6h").arg(m_dateBox->text()), 15000);
            return;
        }
        endSelection();
        (void)startAt(pane, *time);
    };
    connect(m_dateBox, &QLineEdit::returnPressed, this, goToDate);
    m_bar->addAction(tr("Go"), this, goToDate)->setObjectName(QStringLiteral("barReplayGo"));
    m_bar->addSeparator();
    m_playAction = m_bar->addAction(tr("Play"), this, [this] { playing() ? pause() : play(); });
    m_playAction->setObjectName(QStringLiteral("barReplayPlay"));
    m_stepAction = m_bar->addAction(tr("Step"), this, &BarReplayUi::step);
    m_stepAction->setObjectName(QStringLiteral("barReplayStep"));
    m_stepAction->setShortcut(QKeySequence(tr("Shift+Right")));
    m_stepAction->setToolTip(tr("Reveal the next bar (Shift+Right)"));
    m_speedBox = new QComboBox(m_bar);
    m_speedBox->setObjectName(QStringLiteral("barReplaySpeed"));
    m_speedBox->setToolTip(tr("Replay speed"));
    for (const int speed : kSpeeds) m_speedBox->addItem(speed == 1 ? tr("1 bar/s") : tr("%1 bars/s").arg(speed), speed);
    connect(m_speedBox, &QComboBox::activated, this, [this](int index) { setSpeed(m_speedBox->itemData(index).toInt()); });
    m_bar->addWidget(m_speedBox);
    m_bar->addSeparator();
    m_alertLabel = new QLabel(m_bar);
    m_alertLabel->setObjectName(QStringLiteral("barReplayAlerts"));
    m_bar->addWidget(m_alertLabel);
    m_exitAction = m_bar->addAction(tr("Exit replay"), this, &BarReplayUi::exit);
    m_exitAction->setObjectName(QStringLiteral("barReplayExit"));
    m_exitAction->setToolTip(tr("Back to the live chart"));
    m_bar->hide();
    // The window restores its saved toolbar state after this: a bar saved while replaying would
    // come back shown over a live chart.
    QTimer::singleShot(0, this, [this] {
        if (!replaying() && !m_selecting) m_bar->hide();
    });

    m_timer = new QTimer(this);
    m_timer->setInterval(kFrameMs);
    connect(m_timer, &QTimer::timeout, this, &BarReplayUi::frame);
    refreshTexts();
}

BarReplayUi::~BarReplayUi() = default;

void BarReplayUi::setAlertSource(std::function<std::vector<alerts::Alert>()> source) { m_alertSource = std::move(source); }

std::vector<ChartPane*> BarReplayUi::groupOf(ChartPane* pane) const {
    if (!pane) return {};
    if (pane->linkGroup() == 0) return {pane};
    for (int tab = 0; tab < m_window.layoutTabCount(); ++tab) {
        const std::vector<ChartPane*> all = m_window.panes(tab);
        if (std::find(all.begin(), all.end(), pane) == all.end()) continue;
        std::vector<ChartPane*> group;
        for (ChartPane* other : all)
            if (other->linkGroup() == pane->linkGroup()) group.push_back(other);
        return group;
    }
    return {pane};
}

int BarReplayUi::driverIndexOf(ChartPane* pane) const {
    for (std::size_t i = 0; i < m_panes.size(); ++i)
        if (m_panes[i] == pane) return static_cast<int>(i);
    return -1;
}

std::vector<ChartPane*> BarReplayUi::panes() const {
    std::vector<ChartPane*> out;
    for (const auto& pane : m_panes)
        if (pane) out.push_back(pane);
    return out;
}

Result<Ok> BarReplayUi::startAt(ChartPane* pane, std::int64_t timeMs) {
    if (!pane) return makeError("no chart to replay");
    auto said = [this](Result<Ok> result) {
        if (!result)
            m_window.statusBar()->showMessage(tr("Bar Replay: %1").arg(coreText(result.error().message)), 20000);
        return result;
    };
    if (const int index = driverIndexOf(pane); replaying() && index >= 0) {
        // A new start on the charts replaying: the model rebuilds them there.
        if (auto jumped = m_replay.jumpTo(static_cast<std::size_t>(index), timeMs); !jumped) return said(jumped);
        m_driver = static_cast<std::size_t>(index);
        m_target.reset();
        pause();
        afterMove(true);
        return Ok{};
    }
    const std::vector<ChartPane*> group = groupOf(pane);
    std::vector<BarReplayTrack> tracks;
    std::size_t driver = 0;
    for (ChartPane* member : group) {
        const market::CandleSeries* live = member->controller().liveSeries();
        std::vector<Candle> candles;
        if (live) {
            candles.reserve(live->size());
            for (std::size_t i = 0; i < live->size(); ++i) candles.push_back((*live)[i]);
        }
        if (member == pane) driver = tracks.size();
        tracks.emplace_back(member->controller().currentKey(), std::move(candles));
    }
    BarReplay started;
    if (auto ok = started.start(std::move(tracks), driver, timeMs); !ok) return said(ok);
    if (replaying()) exit();  // another group's replay ends
    m_replay = std::move(started);
    m_panes.assign(group.begin(), group.end());
    m_driver = driver;
    const std::vector<alerts::Alert> alerts = m_alertSource ? m_alertSource() : std::vector<alerts::Alert>{};
    for (std::size_t i = 0; i < m_panes.size(); ++i) {
        ChartController& controller = m_panes[i]->controller();
        m_replay.track(i).setAlerts(alerts, m_replay.time());
        loadFine(i);
        controller.setReplaySeries(&m_replay.track(i).series());
        connect(&controller, &ChartController::replayInterrupted, this, &BarReplayUi::exit, Qt::UniqueConnection);
        auto* badge = new QLabel(m_panes[i]->canvas());
        badge->setObjectName(QStringLiteral("barReplayBadge"));
        badge->setAttribute(Qt::WA_TransparentForMouseEvents);
        badge->setStyleSheet(m_timeLabel->styleSheet());
        badge->show();
        m_badges.emplace_back(badge);
        m_panes[i]->canvas()->installEventFilter(this);  // its size places the badge
    }
    m_bar->show();
    afterMove(false);
    return Ok{};
}

void BarReplayUi::loadFine(std::size_t index) {
    BarReplayTrack& track = m_replay.track(index);
    const std::optional<Interval> fine = fineIntervalFor(track.key().interval);
    if (!fine || !m_panes[index]) return;
    SeriesKey key = track.key();
    key.interval = *fine;
    // From the bar holding the replay time to the snapshot's end, at most kMaxFineCandles.
    const std::int64_t from = m_replay.time() - nominalMs(track.key().interval);
    const std::int64_t to = std::min<std::int64_t>(track.endTime(), from + static_cast<std::int64_t>(kMaxFineCandles) * nominalMs(*fine));
    ChartController& controller = m_panes[index]->controller();
    // In memory (this chart's earlier timeframe, or another replaying chart on that one): at once.
    std::vector<const ChartController*> holders{&controller};
    for (const auto& other : m_panes)
        if (other && &other->controller() != &controller) holders.push_back(&other->controller());
    for (const ChartController* holder : holders) {
        const market::CandleSeries* held = holder->store().find(key);
        if (!held || held->empty()) continue;
        std::vector<Candle> candles;
        for (std::size_t i = held->lowerBound(from); i < held->size() && held->openTime(i) < to; ++i)
            candles.push_back((*held)[i]);
        if (!candles.empty()) {
            track.setFine(*fine, std::move(candles));
            return;
        }
    }
    // Else the candle cache, read on the storage thread; the answer comes back through the
    // chart's mailbox and applies only to this replay still running on that chart.
    QPointer<BarReplayUi> self(this);
    QPointer<ChartPane> pane(m_panes[index]);
    const std::int64_t startedAt = m_replay.time();
    session::Executor post = controller.executor();
    controller.services().storage().loadRange(
        key, from, to, [self, pane, post, startedAt, fine, sourceKey = track.key()](Result<std::vector<Candle>> loaded) {
            if (!loaded || loaded->empty()) return;
            post([self, pane, startedAt, fine, sourceKey, candles = std::move(*loaded)]() mutable {
                if (!self || !pane || !self->replaying()) return;
                const int i = self->driverIndexOf(pane);
                if (i < 0 || self->m_replay.track(static_cast<std::size_t>(i)).key() != sourceKey) return;
                if (self->m_replay.time() < startedAt) return;  // jumped back since: another range
                self->m_replay.track(static_cast<std::size_t>(i)).setFine(*fine, std::move(candles));
                pane->controller().replaySeriesChanged();
                self->refreshTexts();
            });
        });
}

void BarReplayUi::startWhenLoaded(const QString& text, int timeoutMs) {
    const std::optional<std::int64_t> time = parseReplayTime(text, nowMs());
    if (!time) {
        m_window.statusBar()->showMessage(tr("Bar Replay: \"%1\" is not a time; type e.g. 2024-01-15 13:05 (UTC) or -6h").arg(text), 20000);
        return;
    }
    // Polled: the chart's candles come from the cache and the venue after the window shows.
    auto* poll = new QTimer(this);
    poll->setInterval(250);
    const std::int64_t deadline = nowMs() + timeoutMs;
    connect(poll, &QTimer::timeout, this, [this, poll, time = *time, deadline] {
        ChartPane* pane = m_window.activePane();
        const market::CandleSeries* live = pane ? pane->controller().liveSeries() : nullptr;
        const bool loaded = live && live->size() > 1 && live->openTime(0) <= time && live->openTime(live->size() - 1) > time;
        if (!loaded && nowMs() < deadline) return;
        poll->deleteLater();
        poll->stop();
        (void)startAt(pane, time);  // a failure is said in the status bar
    });
    poll->start();
}

void BarReplayUi::beginSelection() {
    ChartPane* pane = m_window.activePane();
    if (!pane) return;
    endSelection();
    m_selecting = pane;
    chart_qt::ChartCanvas* canvas = pane->canvas();
    canvas->installEventFilter(this);
    canvas->setMouseTracking(true);
    auto* cursor = new QWidget(canvas);
    cursor->setObjectName(QStringLiteral("barReplayCursor"));
    cursor->setAttribute(Qt::WA_TransparentForMouseEvents);
    cursor->setStyleSheet(QStringLiteral("background: #2962ff;"));
    cursor->setAutoFillBackground(true);
    QPalette palette = cursor->palette();
    palette.setColor(QPalette::Window, QColor(0x29, 0x62, 0xff));
    cursor->setPalette(palette);
    cursor->setGeometry(canvas->width() / 2, 0, 2, canvas->height());
    cursor->hide();
    m_cursor = cursor;
    m_bar->show();
    refreshTexts();
    m_window.statusBar()->showMessage(tr("Bar Replay: click a candle to start there, or type a date (UTC) in the replay bar; Esc cancels"), 20000);
}

void BarReplayUi::endSelection() {
    delete m_cursor.data();
    m_selecting = nullptr;
    if (!replaying()) m_bar->hide();
    refreshTexts();
}

bool BarReplayUi::eventFilter(QObject* watched, QEvent* event) {
    if (m_selecting && watched == m_selecting->canvas()) {
        chart_qt::ChartCanvas* canvas = m_selecting->canvas();
        switch (event->type()) {
        case QEvent::MouseMove:
            if (m_cursor) {
                const int x = static_cast<int>(static_cast<QMouseEvent*>(event)->position().x());
                m_cursor->setGeometry(x - 1, 0, 2, canvas->height());
                m_cursor->show();
                m_cursor->raise();
            }
            break;
        case QEvent::MouseButtonPress: {
            auto* mouse = static_cast<QMouseEvent*>(event);
            if (mouse->button() != Qt::LeftButton) {
                endSelection();
                return true;
            }
            const auto& model = canvas->model();
            const auto& pane = model.layout().candlePane;
            const double x = mouse->position().x();
            const market::CandleSeries* series = m_selecting->controller().currentSeries();
            std::optional<std::int64_t> time;
            if (model.hasData() && series && x >= pane.x && x < pane.x + pane.width) {
                const std::int64_t index = model.timeScale().xToIndex(x - pane.x);
                if (index >= 0 && index < static_cast<std::int64_t>(series->size())) time = model.timeAtIndex(index);
            }
            ChartPane* chosen = m_selecting;
            if (!time) {
                m_window.statusBar()->showMessage(tr("Bar Replay: click on a candle"), 10000);
                return true;  // still choosing
            }
            endSelection();
            (void)startAt(chosen, *time);
            return true;  // the click chose the bar: no drawing, no drag
        }
        case QEvent::KeyPress:
            if (static_cast<QKeyEvent*>(event)->key() == Qt::Key_Escape) {
                endSelection();
                return true;
            }
            break;
        default: break;
        }
    }
    if (event->type() == QEvent::Resize) placeBadges();
    return QObject::eventFilter(watched, event);
}

bool BarReplayUi::playing() const { return m_timer->isActive() && !m_target; }

void BarReplayUi::play() {
    if (!replaying() || m_replay.atEnd()) return;
    m_target.reset();
    m_timer->start();
    refreshTexts();
}

void BarReplayUi::pause() {
    m_timer->stop();
    if (m_target) advanceTo(*m_target);  // a step being animated ends whole
    m_target.reset();
    refreshTexts();
}

void BarReplayUi::step() {
    if (!replaying()) return;
    if (m_timer->isActive()) pause();
    const std::optional<std::int64_t> end = m_replay.nextBarEnd(m_driver);
    if (!end) return;
    // Without lower-timeframe candles the bar has nothing to grow from: it appears whole.
    if (!m_replay.track(m_driver).fineInterval()) {
        advanceTo(*end);
        return;
    }
    m_target = end;
    m_timer->start();
}

void BarReplayUi::setSpeed(int barsPerSecond) {
    m_speed = std::clamp(barsPerSecond, 1, 10);
    const int index = m_speedBox->findData(m_speed);
    if (index >= 0) m_speedBox->setCurrentIndex(index);
}

void BarReplayUi::frame() {
    if (!replaying()) {
        m_timer->stop();
        return;
    }
    const std::int64_t barMs = nominalMs(m_replay.track(m_driver).key().interval);
    if (m_target) {
        const std::int64_t t = std::min(*m_target, m_replay.time() + std::max<std::int64_t>(1, barMs / kStepFrames));
        advanceTo(t);
        if (t >= *m_target) {
            m_target.reset();
            m_timer->stop();
            refreshTexts();
        }
        return;
    }
    advanceTo(m_replay.time() + std::max<std::int64_t>(1, barMs * m_speed * kFrameMs / 1000));
    if (m_replay.atEnd()) pause();
}

void BarReplayUi::advanceTo(std::int64_t t) {
    if (!replaying() || t <= m_replay.time()) return;
    m_replay.moveTo(t);
    afterMove(false);
}

void BarReplayUi::afterMove(bool reset) {
    for (std::size_t i = 0; i < m_panes.size(); ++i) {
        ChartPane* pane = m_panes[i];
        if (!pane) continue;
        const BarReplayTrack& track = m_replay.track(i);
        if (reset || !m_replay.revealed()[i].empty()) pane->controller().replaySeriesChanged(reset);
        // The replay's own firings, marked as such; the live log's markers would show the future.
        std::vector<chart::ChartMarker> markers;
        for (const alerts::Trigger& t : track.firings())
            markers.push_back(chart::ChartMarker{t.timeMs, t.price, tr("Replay: %1").arg(QString::fromStdString(t.condition)).toStdString(), false});
        if (markers != pane->canvas()->model().markers()) pane->canvas()->model().setMarkers(std::move(markers));
    }
    refreshTexts();
    emit changed();
}

std::size_t BarReplayUi::replayFirings() const {
    std::size_t count = 0;
    for (std::size_t i = 0; i < m_replay.size(); ++i) count += m_replay.track(i).firings().size();
    return count;
}

void BarReplayUi::refreshTexts() {
    const bool on = replaying();
    if (on) {
        const QString time = utcText(m_replay.time());
        const QString end = m_replay.atEnd() ? tr(" — end of the candles") : QString();
        m_timeLabel->setText(tr("REPLAY %1 UTC").arg(time) + end);
        for (const auto& badge : m_badges)
            if (badge) badge->setText(tr("REPLAY · %1 UTC").arg(time) + end);
        std::size_t watched = 0;
        for (std::size_t i = 0; i < m_replay.size(); ++i) watched += m_replay.track(i).alertCount();
        m_alertLabel->setText(watched ? tr("Replay alerts: %1 fired of %2").arg(replayFirings()).arg(watched) : QString());
    } else {
        m_timeLabel->setText(tr("BAR REPLAY"));
        m_alertLabel->clear();
    }
    m_timeLabel->setToolTip(tr("The chart shows the candles up to this time (UTC) only; Exit returns to live"));
    m_playAction->setText(playing() ? tr("Pause") : tr("Play"));
    m_playAction->setEnabled(on);
    m_stepAction->setEnabled(on);
    m_speedBox->setEnabled(on);
    m_exitAction->setEnabled(on || m_selecting);
    m_exitAction->setText(on ? tr("Exit replay") : tr("Cancel"));
    placeBadges();
}

void BarReplayUi::placeBadges() {
    for (std::size_t i = 0; i < m_badges.size() && i < m_panes.size(); ++i) {
        QLabel* badge = m_badges[i];
        if (!badge || !m_panes[i]) continue;
        badge->adjustSize();
        // Top right of the candles, under the legend's first line (symbol, OHLC, volume), whose
        // studies are listed at the left.
        const auto& pane = m_panes[i]->canvas()->model().layout().candlePane;
        const int right = pane.width > 0 ? static_cast<int>(pane.x + pane.width) : m_panes[i]->canvas()->width();
        badge->move(std::max(0, right - badge->width() - 10), static_cast<int>(pane.y) + 30);
        badge->raise();
    }
}

QLabel* BarReplayUi::badge(const ChartPane* pane) const {
    for (std::size_t i = 0; i < m_panes.size() && i < m_badges.size(); ++i)
        if (m_panes[i] == pane) return m_badges[i];
    return nullptr;
}

void BarReplayUi::exit() {
    if (m_selecting && !replaying()) {
        endSelection();
        return;
    }
    m_timer->stop();
    m_target.reset();
    const std::vector<QPointer<ChartPane>> panes = std::move(m_panes);
    m_panes.clear();
    for (const auto& badge : m_badges) delete badge.data();
    m_badges.clear();
    for (const auto& pane : panes) {
        if (!pane) continue;
        disconnect(&pane->controller(), &ChartController::replayInterrupted, this, &BarReplayUi::exit);
        pane->canvas()->model().setMarkers({});
        pane->controller().setReplaySeries(nullptr);  // the live series as it is now
    }
    m_replay.stop();
    endSelection();
    emit m_window.objectsChanged();  // the alert markers of the live charts again
    emit changed();
}

}  // namespace cpc::app
