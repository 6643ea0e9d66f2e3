#include "cpc/app/main_window.hpp"

#include <QCloseEvent>
#include <QComboBox>
#include <QCompleter>
#include <QDateTime>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QStatusBar>
#include <QToolBar>

#include "cpc/app/app_settings.hpp"
#include "cpc/app/chart_controller.hpp"
#include "cpc/chart_qt/chart_canvas.hpp"
#include "cpc/core/time.hpp"

namespace cpc::app {

namespace {
QString qs(std::string_view s) { return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size())); }

QString stateColor(feed::FeedState s) {
    switch (s) {
        case feed::FeedState::Live: return QStringLiteral("#26a69a");
        case feed::FeedState::Connecting:
        case feed::FeedState::Reconnecting: return QStringLiteral("#f0b90b");
        case feed::FeedState::Stale:
        case feed::FeedState::Failed: return QStringLiteral("#ef5350");
        case feed::FeedState::Idle: break;
    }
    return QStringLiteral("#787b86");
}
}  // namespace

MainWindow::MainWindow(ChartController& controller, AppSettings& settings, QWidget* parent)
    : QMainWindow(parent), m_controller(controller), m_settings(settings) {
    setWindowTitle(QStringLiteral("CanvasProChart"));
    m_canvas = new chart_qt::ChartCanvas(this);
    setCentralWidget(m_canvas);
    buildToolbar();

    m_stateLabel = new QLabel(this);
    m_updateLabel = new QLabel(this);
    m_countLabel = new QLabel(this);
    statusBar()->addWidget(m_stateLabel, 1);
    statusBar()->addPermanentWidget(m_countLabel);
    statusBar()->addPermanentWidget(m_updateLabel);

    connect(&m_controller, &ChartController::seriesReset, this, &MainWindow::rebindChart);
    connect(&m_controller, &ChartController::seriesUpdated, this, [this] {
        m_canvas->seriesChanged();
        refreshStatus();
    });
    connect(&m_controller, &ChartController::statusChanged, this, &MainWindow::refreshStatus);
    connect(&m_controller, &ChartController::symbolsChanged, this, [this] {
        const QString current = m_symbolBox->currentText();
        m_symbolBox->blockSignals(true);
        m_symbolBox->clear();
        m_symbolBox->addItems(m_controller.symbols());
        m_symbolBox->setCurrentText(current);
        m_symbolBox->blockSignals(false);
    });
    connect(&m_controller, &ChartController::errorOccurred, this, [this](const QString& message) {
        statusBar()->showMessage(message, 15000);
        m_canvas->setPlaceholderText(message);
    });
    connect(&m_controller, &ChartController::noticeRaised, this,
            [this](const QString& message) { statusBar()->showMessage(message, 15000); });

    if (!restoreGeometry(m_settings.windowGeometry())) resize(1280, 760);
    refreshStatus();
}

MainWindow::~MainWindow() = default;

void MainWindow::buildToolbar() {
    auto* bar = addToolBar(QStringLiteral("Chart"));
    bar->setObjectName(QStringLiteral("chartToolbar"));
    bar->setMovable(false);

    bar->addWidget(new QLabel(tr(" Symbol "), bar));
    m_symbolBox = new QComboBox(bar);
    m_symbolBox->setObjectName(QStringLiteral("symbolBox"));
    m_symbolBox->setEditable(true);
    m_symbolBox->setInsertPolicy(QComboBox::NoInsert);
    m_symbolBox->setMinimumContentsLength(12);
    m_symbolBox->setToolTip(tr("Type to search the exchange's symbols; Enter opens the chart"));
    m_symbolBox->completer()->setFilterMode(Qt::MatchContains);
    m_symbolBox->completer()->setCaseSensitivity(Qt::CaseInsensitive);
    m_symbolBox->completer()->setCompletionMode(QCompleter::PopupCompletion);
    connect(m_symbolBox, &QComboBox::activated, this, [this](int) { onSymbolChosen(); });
    connect(m_symbolBox->lineEdit(), &QLineEdit::returnPressed, this, &MainWindow::onSymbolChosen);
    bar->addWidget(m_symbolBox);

    bar->addWidget(new QLabel(tr("  Interval "), bar));
    m_intervalBox = new QComboBox(bar);
    m_intervalBox->setObjectName(QStringLiteral("intervalBox"));
    for (Interval i : kAllIntervals) m_intervalBox->addItem(qs(toString(i)), static_cast<int>(i));
    m_intervalBox->setToolTip(tr("Timeframe: all 16 Binance intervals (1m = minute, 1M = month)"));
    connect(m_intervalBox, &QComboBox::activated, this, &MainWindow::onIntervalChosen);
    bar->addWidget(m_intervalBox);
}

void MainWindow::openSeries(const QString& symbol, Interval interval) {
    m_symbolBox->setCurrentText(symbol);
    m_intervalBox->setCurrentIndex(static_cast<int>(interval));
    m_settings.setLastSymbol(symbol);
    m_settings.setLastInterval(interval);
    m_controller.openSeries(symbol, interval);
}

void MainWindow::onSymbolChosen() {
    const QString symbol = m_symbolBox->currentText().trimmed().toUpper();
    if (symbol.isEmpty()) return;
    if (!m_controller.isKnownSymbol(symbol)) {
        statusBar()->showMessage(tr("Unknown symbol \"%1\": pick one of the %2 symbols in the list")
                                     .arg(symbol).arg(m_controller.symbols().size()), 10000);
        return;
    }
    if (symbol == QString::fromStdString(m_controller.currentKey().symbol)) return;
    openSeries(symbol, m_controller.currentKey().interval);
}

void MainWindow::onIntervalChosen(int index) {
    const auto interval = static_cast<Interval>(m_intervalBox->itemData(index).toInt());
    if (interval == m_controller.currentKey().interval) return;
    openSeries(QString::fromStdString(m_controller.currentKey().symbol), interval);
}

void MainWindow::rebindChart() {
    const SeriesKey& key = m_controller.currentKey();
    m_canvas->setPlaceholderText(tr("Loading %1 %2…").arg(QString::fromStdString(key.symbol), qs(toString(key.interval))));
    m_canvas->setSeries(m_controller.currentSeries(), key.interval, m_controller.priceDecimals());
    setWindowTitle(QStringLiteral("%1 · %2 — CanvasProChart").arg(QString::fromStdString(key.symbol), qs(toString(key.interval))));
    refreshStatus();
}

void MainWindow::refreshStatus() {
    const auto& st = m_controller.status();
    QString text = QStringLiteral("<span style='color:%1'>●</span> %2")
                       .arg(stateColor(st.state), qs(feed::toString(st.state)));
    if (!st.detail.empty() && st.state != feed::FeedState::Live)
        text += QStringLiteral(" — ") + QString::fromStdString(st.detail).toHtmlEscaped();
    if (st.state == feed::FeedState::Reconnecting && st.retryInMs > 0)
        text += tr(" (retry in %1 s)").arg((st.retryInMs + 999) / 1000);
    text += QStringLiteral("  ·  ") + m_controller.restBase().toHtmlEscaped();
    m_stateLabel->setText(text);
    const auto* series = m_controller.currentSeries();
    m_countLabel->setText(tr("%1 candles").arg(series ? static_cast<qlonglong>(series->size()) : 0));
    const qint64 last = m_controller.lastUpdateMs();
    m_updateLabel->setText(last ? tr("last update %1 UTC").arg(QString::fromStdString(formatUtc(last)))
                                : tr("no update yet"));
}

void MainWindow::closeEvent(QCloseEvent* event) {
    m_settings.setWindowGeometry(saveGeometry());
    QMainWindow::closeEvent(event);
}

}  // namespace cpc::app
