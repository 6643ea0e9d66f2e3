// MainWindow's perpetual-futures controls, kept out of main_window.cpp: the market selector beside
// the exchange, View ▸ Perpetual (the layers of PerpChart), the status bar's funding countdown,
// and TradingView's ".P" suffix in the symbol search.
#include <QAction>
#include <QComboBox>
#include <QLabel>
#include <QMenu>
#include <QStatusBar>
#include <QToolBar>
#include <algorithm>

#include "cpc/app/app_settings.hpp"
#include "cpc/app/chart_controller.hpp"
#include "cpc/app/chart_pane.hpp"
#include "cpc/app/core_text.hpp"
#include "cpc/app/main_window.hpp"
#include "cpc/app/perp_chart.hpp"

namespace cpc::app {

void MainWindow::buildMarketBox(QToolBar* bar) {
    m_marketBox = new QComboBox(bar);
    m_marketBox->setObjectName(QStringLiteral("marketBox"));
    m_marketBox->setToolTip(tr("Market: the spot pair or its perpetual futures (mark price, funding, open interest, "
                               "liquidations); a symbol typed with .P opens the perpetual"));
    m_marketBox->addItem(tr("Spot"), static_cast<int>(MarketType::Spot));
    m_marketBox->addItem(tr("Perp", "market box: perpetual futures"), static_cast<int>(MarketType::Perp));
    connect(m_marketBox, &QComboBox::activated, this,
            [this](int index) { switchMarket(static_cast<MarketType>(m_marketBox->itemData(index).toInt())); });
    bar->addWidget(m_marketBox);
}

void MainWindow::buildPerpMenu(QMenu* view) {
    QMenu* perp = view->addMenu(tr("&Perpetual"));
    perp->setObjectName(QStringLiteral("perpMenu"));
    const std::pair<QString, QString> layers[] = {
        {PerpChart::kMark, tr("&Mark price line")},
        {PerpChart::kIndex, tr("&Index price line")},
        {PerpChart::kFunding, tr("&Funding rate pane")},
        {PerpChart::kOpenInterest, tr("&Open interest pane")},
        {PerpChart::kLiquidations, tr("&Liquidations")},
    };
    for (const auto& [layer, label] : layers) {
        QAction* action = perp->addAction(label);
        action->setObjectName(QStringLiteral("perpLayer_") + layer);
        action->setCheckable(true);
        action->setChecked(m_settings.perpLayerVisible(layer));
        connect(action, &QAction::triggered, this, [this, layer](bool on) { setPerpLayerVisible(layer, on); });
        m_perpLayerActions[layer] = action;
    }
}

void MainWindow::buildPerpStatus() {
    m_fundingLabel = new QLabel(this);
    m_fundingLabel->setObjectName(QStringLiteral("fundingStatus"));
    m_fundingLabel->setToolTip(tr("Funding rate of the current period and the time to the next funding"));
    m_fundingLabel->hide();
    statusBar()->addPermanentWidget(m_fundingLabel);
}

void MainWindow::wirePerpPane(ChartPane* pane) {
    connect(pane->perp(), &PerpChart::changed, this, [this, pane] {
        if (pane == m_active) refreshFundingStatus();
    });
    connect(pane->perp(), &PerpChart::failureChanged, this, [this, pane] {
        if (pane == m_active) refreshFundingStatus();
    });
    connect(&pane->controller(), &ChartController::marketChanged, this, [this, pane] {
        if (pane == m_active) syncPerpControls();
        saveWorkspace();
    });
}

void MainWindow::syncPerpControls() {
    if (!m_marketBox || !m_active) return;
    m_marketBox->setCurrentIndex(
        std::max(0, m_marketBox->findData(static_cast<int>(activeController().marketType()))));
    for (const auto& [layer, action] : m_perpLayerActions) action->setChecked(m_active->perp()->layerVisible(layer));
    refreshFundingStatus();
}

QString MainWindow::fundingStatusText() const {
    return m_active && m_active->perp() ? m_active->perp()->shownFundingText() : QString();
}

void MainWindow::refreshFundingStatus() {
    if (!m_fundingLabel) return;
    const QString text = fundingStatusText();
    m_fundingLabel->setVisible(!text.isEmpty());
    if (m_fundingLabel->text() == text) return;
    m_fundingLabel->setText(text);
    // A failure in the warning colour: it is a state, not a detail.
    m_fundingLabel->setStyleSheet(m_active && !m_active->perp()->failure().isEmpty() ? QStringLiteral("color:#ef5350")
                                                                                       : QString());
}

bool MainWindow::switchMarket(MarketType market) { return switchMarketOf(m_active, market); }

bool MainWindow::switchMarketOf(ChartPane* pane, MarketType market) {
    ChartController& controller = pane->controller();
    const MarketType before = controller.marketType();
    // The settings' endpoints of the market switched to. The demo: its simulators.
    exchange::Endpoints endpoints;
    if (!controller.isDemo()) {
        const Endpoints e = m_settings.effectiveEndpoints(controller.exchangeName(), market);
        endpoints = {e.rest.toStdString(), e.stream.toStdString()};
    }
    auto switched = controller.switchMarket(market, endpoints);
    if (!switched) {
        statusBar()->showMessage(tr("Cannot open the %1 market of %2: %3")
                                     .arg(market == MarketType::Perp ? tr("perpetual") : tr("spot"),
                                          exchangeDisplayName(controller.exchangeName()), coreText(switched.error().message)),
                                 15000);
        if (pane == m_active && m_marketBox)
            m_marketBox->setCurrentIndex(std::max(0, m_marketBox->findData(static_cast<int>(before))));
        return false;
    }
    if (pane == m_active) {
        m_settings.setMarket(market);
        syncPerpControls();
        if (market != before)
            statusBar()->showMessage(market == MarketType::Perp ? tr("Market: perpetual futures") : tr("Market: spot"), 8000);
    }
    saveWorkspace();
    return true;
}

void MainWindow::setPerpLayerVisible(const QString& layer, bool visible) {
    m_settings.setPerpLayerVisible(layer, visible);
    if (const auto it = m_perpLayerActions.find(layer); it != m_perpLayerActions.end()) it->second->setChecked(visible);
    for (int tab = 0; tab < layoutTabCount(); ++tab)
        for (ChartPane* pane : panes(tab)) pane->perp()->setLayerVisible(layer, visible);
}

QString MainWindow::takeMarketSuffix(const QString& typed) {
    if (!typed.endsWith(QLatin1String(".P"), Qt::CaseInsensitive)) return typed;
    const QString symbol = typed.left(typed.size() - 2);
    if (activeController().marketType() != MarketType::Perp && !switchMarket(MarketType::Perp)) return QString();
    // The perpetual's spelling of the pair (OKX: BTC-USDT-SWAP).
    return activeController().venueSymbol(symbol);
}

}  // namespace cpc::app
