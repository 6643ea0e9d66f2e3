#include "cpc/app/watchlist_dock.hpp"

#include <QAbstractTableModel>
#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QDateTime>
#include <QFile>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QPainter>
#include <QPainterPath>
#include <QSortFilterProxyModel>
#include <QStyledItemDelegate>
#include <QTableView>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>
#include <algorithm>
#include <map>
#include <cmath>
#include <optional>

#include "cpc/app/app_services.hpp"
#include "cpc/app/app_settings.hpp"
#include "cpc/app/chart_controller.hpp"
#include "cpc/app/chart_pane.hpp"
#include "cpc/app/core_text.hpp"
#include "cpc/app/feed_text.hpp"
#include "cpc/app/main_window.hpp"
#include "cpc/app/watchlist_feed.hpp"
#include "cpc/exchange/registry.hpp"
#include "cpc/session/venue_paths.hpp"
#include "cpc/sim/sim_server.hpp"

namespace cpc::app {

namespace {

constexpr int kSortRole = Qt::UserRole + 1;
constexpr int kSparklineRole = Qt::UserRole + 2;
constexpr qint64 kFlashMs = 700;

QString qs(const std::string& s) { return QString::fromStdString(s); }

// Decimals that show a price's moves without noise: fewer for large prices.
int priceDecimals(double price) {
    const double a = std::fabs(price);
    if (a >= 1000) return 2;
    if (a >= 1) return 4;
    if (a >= 0.01) return 6;
    return 8;
}

// 1,234 / 12.3K / 4.56M / 7.89B in the locale's digits.
QString compactVolume(double v) {
    const QLocale locale;
    if (v >= 1e9) return locale.toString(v / 1e9, 'f', 2) + QStringLiteral("B");
    if (v >= 1e6) return locale.toString(v / 1e6, 'f', 2) + QStringLiteral("M");
    if (v >= 1e4) return locale.toString(v / 1e3, 'f', 1) + QStringLiteral("K");
    return locale.toString(v, 'f', 0);
}

// A parse problem in the user's words.
QString parseErrorText(const session::WatchParseError& e) {
    using Kind = session::WatchParseError::Kind;
    switch (e.kind) {
    case Kind::Empty:
        return WatchlistDock::tr("type a symbol: EXCHANGE:SYMBOL (binance:BTCUSDT) or SYMBOL for the active chart's exchange");
    case Kind::UnknownVenue: {
        QStringList names;
        for (const std::string& n : exchange::adapterNames()) names << qs(n);
        return WatchlistDock::tr("unknown exchange \"%1\"; accepted: %2").arg(qs(e.venue), names.join(QStringLiteral(", ")));
    }
    case Kind::BadSymbol:
        return coreText(e.detail);
    case Kind::NoActiveVenue:
        return WatchlistDock::tr("\"%1\" names no exchange: write EXCHANGE:%1").arg(qs(e.symbol));
    }
    return {};
}

}  // namespace

// ---- the rows ------------------------------------------------------------------------------

class WatchlistModel final : public QAbstractTableModel {
public:
    WatchlistModel(const WatchlistFeed& feed, QObject* parent) : QAbstractTableModel(parent), m_feed(feed) {}

    void setSymbols(std::vector<session::WatchSymbol> symbols) {
        beginResetModel();
        m_rows = std::move(symbols);
        m_index.clear();
        for (int i = 0; i < static_cast<int>(m_rows.size()); ++i) m_index[m_rows[static_cast<std::size_t>(i)]] = i;
        m_flash.clear();
        endResetModel();
    }
    const std::vector<session::WatchSymbol>& symbols() const { return m_rows; }

    // The rows of these symbols changed: a flash where the price moved, a repaint of the row.
    void tickersChanged(const std::vector<session::WatchSymbol>& changed) {
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        for (const auto& s : changed) {
            const auto it = m_index.find(s);
            if (it == m_index.end()) continue;
            if (const session::TickerRow* row = m_feed.board().find(s); row && row->direction != 0)
                m_flash[s] = {now + kFlashMs, row->direction};
            emit dataChanged(index(it->second, 0), index(it->second, WatchlistDock::ColumnCount - 1));
        }
    }
    // Flashes that ended are repainted without their colour; true while any is left.
    bool expireFlashes() {
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        for (auto it = m_flash.begin(); it != m_flash.end();) {
            if (it->second.first > now) {
                ++it;
                continue;
            }
            if (const auto row = m_index.find(it->first); row != m_index.end())
                emit dataChanged(index(row->second, 0), index(row->second, WatchlistDock::ColumnCount - 1));
            it = m_flash.erase(it);
        }
        return !m_flash.empty();
    }
    bool flashing() const { return !m_flash.empty(); }
    int flashOf(const session::WatchSymbol& s) const {
        const auto it = m_flash.find(s);
        return it == m_flash.end() ? 0 : it->second.second;
    }
    void venueStatesChanged() {
        if (!m_rows.empty()) emit dataChanged(index(0, 0), index(rowCount() - 1, WatchlistDock::ColumnCount - 1));
    }

    int rowCount(const QModelIndex& parent = {}) const override { return parent.isValid() ? 0 : static_cast<int>(m_rows.size()); }
    int columnCount(const QModelIndex& parent = {}) const override { return parent.isValid() ? 0 : WatchlistDock::ColumnCount; }

    QVariant headerData(int section, Qt::Orientation orientation, int role) const override {
        if (orientation != Qt::Horizontal) return {};
        if (role == Qt::DisplayRole) {
            switch (section) {
            case WatchlistDock::SymbolColumn: return WatchlistDock::tr("Symbol");
            case WatchlistDock::LastColumn: return WatchlistDock::tr("Last");
            case WatchlistDock::ChangeColumn: return WatchlistDock::tr("Chg %");
            case WatchlistDock::VolumeColumn: return WatchlistDock::tr("Vol 24h");
            case WatchlistDock::DayColumn: return WatchlistDock::tr("Day");
            default: return {};
            }
        }
        if (role == Qt::ToolTipRole && section == WatchlistDock::VolumeColumn)
            return WatchlistDock::tr("Traded in the last 24 hours, in the quote asset (USDT for BTCUSDT)");
        if (role == Qt::ToolTipRole && section == WatchlistDock::DayColumn)
            return WatchlistDock::tr("The price 24 hours ago, then each minute's last price since the symbol is watched");
        if (role == Qt::TextAlignmentRole && section != WatchlistDock::SymbolColumn)
            return static_cast<int>(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    }

    QVariant data(const QModelIndex& index, int role) const override {
        if (!index.isValid() || index.row() >= rowCount()) return {};
        const session::WatchSymbol& s = m_rows[static_cast<std::size_t>(index.row())];
        const session::TickerRow* t = m_feed.board().find(s);
        const int column = index.column();
        switch (role) {
        case Qt::DisplayRole:
            if (column == WatchlistDock::SymbolColumn) return qs(s.symbol);
            if (!t) {
                if (column != WatchlistDock::LastColumn) return {};
                const auto st = m_feed.venueStates().find(s.exchange);
                if (st != m_feed.venueStates().end() && st->second.state == feed::FeedState::Failed)
                    return WatchlistDock::tr("unreachable");
                return QStringLiteral("…");
            }
            if (column == WatchlistDock::LastColumn) return QLocale().toString(t->last, 'f', priceDecimals(t->last));
            if (column == WatchlistDock::ChangeColumn)
                return (t->changePercent > 0 ? QStringLiteral("+") : QString()) + QLocale().toString(t->changePercent, 'f', 2) +
                       QStringLiteral("%");
            if (column == WatchlistDock::VolumeColumn) return compactVolume(t->quoteVolume);
            return {};
        case kSortRole:
            if (column == WatchlistDock::SymbolColumn) return qs(s.symbol + " " + s.exchange);
            if (!t) return -1e300;  // rows without a ticker go to one end
            if (column == WatchlistDock::LastColumn) return t->last;
            if (column == WatchlistDock::ChangeColumn) return t->changePercent;
            if (column == WatchlistDock::VolumeColumn) return t->quoteVolume;
            if (column == WatchlistDock::DayColumn) return t->changePercent;
            return {};
        case kSparklineRole: {
            if (column != WatchlistDock::DayColumn || !t) return {};
            QList<double> prices;
            prices.reserve(static_cast<qsizetype>(t->sparkline.size()));
            for (const auto& p : t->sparkline) prices.push_back(p.second);
            return QVariant::fromValue(prices);
        }
        case Qt::ForegroundRole:
            if (column == WatchlistDock::ChangeColumn && t && t->changePercent != 0)
                return QColor(t->changePercent > 0 ? QColor(0x26, 0xa6, 0x9a) : QColor(0xef, 0x53, 0x50));
            return {};
        case Qt::BackgroundRole:
            if (const int flash = flashOf(s); flash != 0 && column != WatchlistDock::DayColumn)
                return QColor(flash > 0 ? QColor(0x26, 0xa6, 0x9a, 90) : QColor(0xef, 0x53, 0x50, 90));
            return {};
        case Qt::TextAlignmentRole:
            if (column != WatchlistDock::SymbolColumn) return static_cast<int>(Qt::AlignRight | Qt::AlignVCenter);
            return {};
        case Qt::ToolTipRole: {
            QString tip = exchangeDisplayName(qs(s.exchange)) + QStringLiteral(": ") + qs(s.symbol);
            if (!t) {
                const auto st = m_feed.venueStates().find(s.exchange);
                if (st != m_feed.venueStates().end() && !st->second.error.empty())
                    tip += QStringLiteral("\n") + coreText(st->second.error);
                else
                    tip += QStringLiteral("\n") + WatchlistDock::tr("no ticker yet (does the exchange list this symbol?)");
            }
            return tip;
        }
        case Qt::UserRole:  // the venue, for the symbol column's small caption
            return exchangeDisplayName(qs(s.exchange));
        default:
            return {};
        }
    }

private:
    const WatchlistFeed& m_feed;
    std::vector<session::WatchSymbol> m_rows;
    std::map<session::WatchSymbol, int> m_index;
    std::map<session::WatchSymbol, std::pair<qint64, int>> m_flash;  // until, direction
};

// The symbol with its venue in small grey text beside it, and the day's sparkline.
class WatchlistDelegate final : public QStyledItemDelegate {
public:
    using QStyledItemDelegate::QStyledItemDelegate;
    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override {
        QSize size = QStyledItemDelegate::sizeHint(option, index);
        if (index.column() == WatchlistDock::SymbolColumn)  // room for the venue beside the symbol
            size.rwidth() += option.fontMetrics.horizontalAdvance(index.data(Qt::UserRole).toString()) * 4 / 5 + 12;
        return size;
    }
    void paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const override {
        if (index.column() == WatchlistDock::DayColumn) {
            QStyledItemDelegate::paint(painter, option, index);  // selection background
            const QList<double> prices = index.data(kSparklineRole).value<QList<double>>();
            if (prices.size() < 2) return;
            const auto [lo, hi] = std::minmax_element(prices.begin(), prices.end());
            const QRectF r = QRectF(option.rect).adjusted(4, 4, -4, -4);
            const double span = *hi - *lo;
            QPainterPath path;
            for (qsizetype i = 0; i < prices.size(); ++i) {
                const double x = r.left() + r.width() * static_cast<double>(i) / static_cast<double>(prices.size() - 1);
                const double y = span > 0 ? r.bottom() - (prices[i] - *lo) / span * r.height() : r.center().y();
                if (i == 0) path.moveTo(x, y);
                else path.lineTo(x, y);
            }
            painter->save();
            painter->setRenderHint(QPainter::Antialiasing);
            const bool up = prices.back() >= prices.front();
            painter->setPen(QPen(up ? QColor(0x26, 0xa6, 0x9a) : QColor(0xef, 0x53, 0x50), 1.2));
            painter->drawPath(path);
            painter->restore();
            return;
        }
        QStyledItemDelegate::paint(painter, option, index);
        if (index.column() == WatchlistDock::SymbolColumn) {
            const QString venue = index.data(Qt::UserRole).toString();
            const int used = option.fontMetrics.horizontalAdvance(index.data().toString()) + 10;
            QFont small = option.font;
            small.setPointSizeF(std::max(6.0, small.pointSizeF() * 0.8));
            painter->save();
            painter->setFont(small);
            painter->setPen(option.palette.color(QPalette::PlaceholderText));
            painter->drawText(option.rect.adjusted(used, 0, -2, 0), Qt::AlignVCenter | Qt::AlignLeft, venue);
            painter->restore();
        }
    }
};

// ---- the dock ------------------------------------------------------------------------------

WatchlistDock::WatchlistDock(MainWindow& window, AppSettings& settings)
    : QDockWidget(tr("Watchlist"), &window), m_window(window), m_settings(settings) {
    setObjectName(QStringLiteral("watchlistDock"));
    // The adapter of a venue at the endpoints the app uses for it: a chart's on that venue (so the
    // watchlist is one more user of its connection), else the demo's simulator, else the settings'.
    auto adapterFor = [this](const std::string& venue) -> Result<std::shared_ptr<const exchange::ExchangeAdapter>> {
        exchange::Endpoints endpoints;
        bool found = false;
        for (int tab = 0; tab < m_window.layoutTabCount() && !found; ++tab)
            for (ChartPane* pane : m_window.panes(tab))
                // The watchlist is of spot markets: a chart on the venue's perpetual has other hosts.
                if (pane->controller().exchangeName().toStdString() == venue &&
                    pane->controller().options().market == MarketType::Spot) {
                    endpoints = {pane->controller().restBase().toStdString(), pane->controller().streamBase().toStdString()};
                    found = true;
                    break;
                }
        ChartController& active = m_window.activeController();
        if (!found && active.isDemo()) {
            auto server = active.services().simulator(venue);
            if (!server) return server.error();
            endpoints = {(*server)->restBase(), (*server)->streamBase() + session::venueStreamPath(venue)};
        } else if (!found) {
            const Endpoints e = m_settings.effectiveEndpoints(qs(venue), MarketType::Spot);
            endpoints = {e.rest.toStdString(), e.stream.toStdString()};
        }
        auto adapter = exchange::makeAdapter(venue, endpoints);
        if (!adapter) return adapter.error();
        return std::shared_ptr<const exchange::ExchangeAdapter>(std::move(*adapter));
    };
    m_feed = new WatchlistFeed(*m_window.activeController().marketSession(), adapterFor, this);
    m_model = new WatchlistModel(*m_feed, this);
    buildUi();
    connect(m_feed, &WatchlistFeed::tickersChanged, this, [this](const std::vector<session::WatchSymbol>& changed) {
        m_model->tickersChanged(changed);
        if (m_model->flashing() && !m_flashTimer->isActive()) m_flashTimer->start();
        // A sorted view keeps its order as the values move.
        if (m_proxy->sortColumn() > SymbolColumn) m_proxy->invalidate();
    });
    connect(m_feed, &WatchlistFeed::venueStateChanged, this, [this] {
        refreshVenueStatus();
        m_model->venueStatesChanged();
    });

    window.addDockWidget(Qt::RightDockWidgetArea, this);
    // Wide enough for every column (symbol and venue, last, change, volume, the day's line).
    window.resizeDocks({this}, {430}, Qt::Horizontal);
    if (auto* layoutMenu = window.menuBar()->findChild<QMenu*>(QStringLiteral("layoutMenu"))) {
        QAction* toggle = toggleViewAction();
        toggle->setText(tr("&Watchlist"));
        toggle->setObjectName(QStringLiteral("watchlistToggleAction"));
        layoutMenu->addSeparator();
        layoutMenu->addAction(toggle);
    }

    if (!restoreState(m_settings.watchlists())) {
        // A first list on the active chart's venue.
        session::Watchlist first{tr("Watchlist").toStdString(), {}};
        for (const char* pair : {"BTCUSDT", "ETHUSDT", "ETHBTC", "ADAUSDT"})
            if (auto parsed = session::parseWatchSymbol(pair, activeVenue().toStdString()); parsed.symbol)
                first.symbols.push_back(*parsed.symbol);
        m_lists = {std::move(first)};
        m_current = 0;
        m_listBox->addItem(qs(m_lists.front().name));
        listChanged();
    }
    connect(this, &WatchlistDock::symbolActivated, this, [this](const session::WatchSymbol& s) {
        ChartPane* pane = m_window.activePane();
        if (!pane) return;
        const QString venue = qs(s.exchange);
        if (pane->controller().exchangeName() != venue && !m_window.switchExchangeOf(pane, venue)) return;
        m_window.openSeries(qs(s.symbol), pane->controller().currentKey().interval);
    });
}

WatchlistDock::~WatchlistDock() = default;

void WatchlistDock::buildUi() {
    auto* body = new QWidget(this);
    auto* layout = new QVBoxLayout(body);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->setSpacing(4);

    auto* top = new QHBoxLayout;
    m_listBox = new QComboBox(body);
    m_listBox->setObjectName(QStringLiteral("watchlistNames"));
    m_listBox->setToolTip(tr("The list shown"));
    top->addWidget(m_listBox, 1);
    auto* menuButton = new QToolButton(body);
    menuButton->setObjectName(QStringLiteral("watchlistMenuButton"));
    menuButton->setText(QStringLiteral("☰"));
    menuButton->setToolTip(tr("Lists, import and export, row order"));
    menuButton->setPopupMode(QToolButton::InstantPopup);
    auto* menu = new QMenu(menuButton);
    menu->setObjectName(QStringLiteral("watchlistMenu"));
    const auto addAction = [this, menu](const QString& text, const char* name, auto slot) {
        QAction* a = menu->addAction(text);
        a->setObjectName(QLatin1String(name));
        connect(a, &QAction::triggered, this, slot);
        return a;
    };
    addAction(tr("New list…"), "watchlistNewAction", [this] {
        bool ok = false;
        const QString name = QInputDialog::getText(this, tr("New watchlist"), tr("Name:"), QLineEdit::Normal, QString(), &ok);
        if (ok && !addList(name)) showMessage(tr("A list needs a name no other list has"), true);
    });
    addAction(tr("Rename list…"), "watchlistRenameAction", [this] {
        bool ok = false;
        const QString name =
            QInputDialog::getText(this, tr("Rename watchlist"), tr("Name:"), QLineEdit::Normal, currentList(), &ok);
        if (ok && !renameList(name)) showMessage(tr("A list needs a name no other list has"), true);
    });
    addAction(tr("Delete list"), "watchlistDeleteAction", [this] {
        if (!removeList()) showMessage(tr("The last list cannot be deleted"), true);
    });
    menu->addSeparator();
    addAction(tr("Import…"), "watchlistImportAction", [this] { importInteractive(); });
    addAction(tr("Export…"), "watchlistExportAction", [this] { exportInteractive(); });
    menu->addSeparator();
    addAction(tr("List order"), "watchlistListOrderAction", [this] { sortBy(-1, Qt::AscendingOrder); });
    menuButton->setMenu(menu);
    top->addWidget(menuButton);
    layout->addLayout(top);

    m_addEdit = new QLineEdit(body);
    m_addEdit->setObjectName(QStringLiteral("watchlistAdd"));
    m_addEdit->setPlaceholderText(tr("Add: EXCHANGE:SYMBOL or SYMBOL"));
    m_addEdit->setClearButtonEnabled(true);
    connect(m_addEdit, &QLineEdit::returnPressed, this, [this] {
        if (addSymbol(m_addEdit->text())) m_addEdit->clear();
    });
    layout->addWidget(m_addEdit);
    m_message = new QLabel(body);
    m_message->setObjectName(QStringLiteral("watchlistMessage"));
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message->hide();
    layout->addWidget(m_message);

    m_proxy = new QSortFilterProxyModel(this);
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(kSortRole);
    m_proxy->setDynamicSortFilter(false);  // re-sorted on each drain (invalidate), not per cell
    m_table = new QTableView(body);
    m_table->setObjectName(QStringLiteral("watchlistTable"));
    m_table->setModel(m_proxy);
    m_table->setItemDelegate(new WatchlistDelegate(m_table));
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setShowGrid(false);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 8);
    m_table->horizontalHeader()->setSectionsClickable(true);
    m_table->horizontalHeader()->setSortIndicatorShown(true);
    m_table->horizontalHeader()->setSortIndicator(-1, Qt::AscendingOrder);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setSectionResizeMode(SymbolColumn, QHeaderView::ResizeToContents);
    m_table->setColumnWidth(LastColumn, 84);
    m_table->setColumnWidth(ChangeColumn, 58);
    m_table->setColumnWidth(VolumeColumn, 58);
    m_table->setContextMenuPolicy(Qt::CustomContextMenu);
    // The header sorts: ascending, descending, then the list's own order again.
    connect(m_table->horizontalHeader(), &QHeaderView::sectionClicked, this, [this](int column) {
        if (m_proxy->sortColumn() != column) sortBy(column, column == SymbolColumn ? Qt::AscendingOrder : Qt::DescendingOrder);
        else if (m_proxy->sortOrder() == (column == SymbolColumn ? Qt::AscendingOrder : Qt::DescendingOrder))
            sortBy(column, column == SymbolColumn ? Qt::DescendingOrder : Qt::AscendingOrder);
        else sortBy(-1, Qt::AscendingOrder);
    });
    connect(m_table, &QTableView::clicked, this, [this](const QModelIndex& index) {
        // A click on the row already current opens it again (its timer is idle then); a click on
        // another row opens it through the row change.
        if (index.row() == m_table->currentIndex().row() && !m_walkTimer->isActive()) openCurrent();
    });
    connect(m_table, &QWidget::customContextMenuRequested, this, [this](const QPoint& pos) {
        const int row = m_table->indexAt(pos).row();
        if (row < 0) return;
        QMenu rowMenu(this);
        rowMenu.addAction(tr("Open in the active chart"), this, [this, row] {
            if (auto s = symbolAt(row)) emit symbolActivated(*s);
        });
        rowMenu.addAction(tr("Move up"), this, [this, row] { moveSymbol(row, -1); });
        rowMenu.addAction(tr("Move down"), this, [this, row] { moveSymbol(row, +1); });
        rowMenu.addSeparator();
        rowMenu.addAction(tr("Remove"), this, [this, row] { removeSymbol(row); });
        rowMenu.exec(m_table->viewport()->mapToGlobal(pos));
    });
    // Up / Down walk the list (Qt's table keys); each row walked to opens after a short pause, so
    // holding a key does not open every symbol on the way.
    m_walkTimer = new QTimer(this);
    m_walkTimer->setSingleShot(true);
    m_walkTimer->setInterval(150);
    connect(m_walkTimer, &QTimer::timeout, this, [this] { openCurrent(); });
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this] { onCurrentRowChanged(); });
    // Delete removes the row; Ctrl+Up / Ctrl+Down move it (eventFilter: the table's own keys).
    m_table->installEventFilter(this);
    layout->addWidget(m_table, 1);

    m_venueStatus = new QLabel(body);
    m_venueStatus->setObjectName(QStringLiteral("watchlistStatus"));
    m_venueStatus->setWordWrap(true);
    layout->addWidget(m_venueStatus);
    setWidget(body);

    connect(m_listBox, &QComboBox::currentIndexChanged, this, [this](int index) {
        if (m_restoring || index < 0 || index == m_current || index >= static_cast<int>(m_lists.size())) return;
        m_current = index;
        listChanged();
    });
    m_flashTimer = new QTimer(this);
    m_flashTimer->setInterval(100);
    connect(m_flashTimer, &QTimer::timeout, this, [this] {
        if (!m_model->expireFlashes()) m_flashTimer->stop();
    });
}

QString WatchlistDock::activeVenue() const {
    const ChartPane* pane = m_window.activePane();
    return pane ? pane->controller().exchangeName() : QString();
}

QStringList WatchlistDock::listNames() const {
    QStringList names;
    for (const auto& l : m_lists) names << qs(l.name);
    return names;
}

QString WatchlistDock::currentList() const { return m_lists.empty() ? QString() : qs(m_lists[static_cast<std::size_t>(m_current)].name); }

bool WatchlistDock::setCurrentList(const QString& name) {
    const int index = static_cast<int>(listNames().indexOf(name));
    if (index < 0) return false;
    m_listBox->setCurrentIndex(index);  // → listChanged
    return true;
}

bool WatchlistDock::addList(const QString& name) {
    const QString n = name.trimmed();
    if (n.isEmpty() || listNames().contains(n)) return false;
    m_lists.push_back({n.toStdString(), {}});
    m_listBox->addItem(n);
    m_listBox->setCurrentIndex(m_listBox->count() - 1);
    return true;
}

bool WatchlistDock::renameList(const QString& name) {
    const QString n = name.trimmed();
    if (n.isEmpty() || (listNames().contains(n) && n != currentList())) return false;
    m_lists[static_cast<std::size_t>(m_current)].name = n.toStdString();
    m_listBox->setItemText(m_current, n);
    save();
    return true;
}

bool WatchlistDock::removeList() {
    if (m_lists.size() <= 1) return false;
    const int gone = m_current;
    m_lists.erase(m_lists.begin() + gone);
    m_restoring = true;
    m_listBox->removeItem(gone);
    m_restoring = false;
    m_current = std::min(gone, static_cast<int>(m_lists.size()) - 1);
    m_listBox->setCurrentIndex(m_current);
    listChanged();
    return true;
}

std::vector<session::WatchSymbol> WatchlistDock::symbols() const {
    return m_lists.empty() ? std::vector<session::WatchSymbol>{} : m_lists[static_cast<std::size_t>(m_current)].symbols;
}

void WatchlistDock::showMessage(const QString& text, bool error) {
    m_lastMessage = text;
    m_message->setText(text);
    m_message->setStyleSheet(error ? QStringLiteral("color: #e53935;") : QString());
    m_message->setVisible(!text.isEmpty());
    // A success note goes after a while; a problem stays until the next entry.
    if (!error && !text.isEmpty())
        QTimer::singleShot(8000, m_message, [label = m_message, text] {
            if (label->text() == text) label->hide();
        });
}

QString WatchlistDock::lastMessage() const { return m_lastMessage; }

bool WatchlistDock::addSymbol(const QString& text) {
    const session::WatchParse parsed = session::parseWatchSymbol(text.toStdString(), activeVenue().toStdString());
    if (!parsed.symbol) {
        showMessage(tr("Not added: %1").arg(parseErrorText(*parsed.error)), true);
        return false;
    }
    auto& list = m_lists[static_cast<std::size_t>(m_current)].symbols;
    if (std::find(list.begin(), list.end(), *parsed.symbol) != list.end()) {
        showMessage(tr("%1 is already in the list").arg(qs(parsed.symbol->text())), true);
        return false;
    }
    list.push_back(*parsed.symbol);
    showMessage(QString(), false);
    listChanged();
    return true;
}

bool WatchlistDock::removeSymbol(int row) {
    const auto s = symbolAt(row);
    if (!s) return false;
    auto& list = m_lists[static_cast<std::size_t>(m_current)].symbols;
    list.erase(std::find(list.begin(), list.end(), *s));
    listChanged();
    // The row after it becomes current without opening it (only a click or a walk opens).
    if (m_model->rowCount() > 0) m_table->setCurrentIndex(m_proxy->index(std::min(row, m_model->rowCount() - 1), 0));
    m_walkTimer->stop();
    return true;
}

bool WatchlistDock::moveSymbol(int row, int delta) {
    const auto s = symbolAt(row);
    if (!s) return false;
    // Moving is in the list's own order: the view shows it again.
    sortBy(-1, Qt::AscendingOrder);
    auto& list = m_lists[static_cast<std::size_t>(m_current)].symbols;
    const auto from = static_cast<int>(std::find(list.begin(), list.end(), *s) - list.begin());
    const int to = from + delta;
    if (to < 0 || to >= static_cast<int>(list.size())) return false;
    std::swap(list[static_cast<std::size_t>(from)], list[static_cast<std::size_t>(to)]);
    listChanged();
    m_table->setCurrentIndex(m_proxy->index(to, 0));
    m_walkTimer->stop();  // the same symbol stays current: nothing to open
    return true;
}

std::optional<session::WatchSymbol> WatchlistDock::symbolAt(int row) const {
    if (row < 0 || row >= m_proxy->rowCount()) return std::nullopt;
    const int source = m_proxy->mapToSource(m_proxy->index(row, 0)).row();
    return m_model->symbols()[static_cast<std::size_t>(source)];
}

void WatchlistDock::sortBy(int column, Qt::SortOrder order) {
    m_proxy->sort(column, order);
    m_table->horizontalHeader()->setSortIndicator(column, order);
}

bool WatchlistDock::eventFilter(QObject* watched, QEvent* event) {
    if (watched == m_table && event->type() == QEvent::KeyPress) {
        const auto* key = static_cast<QKeyEvent*>(event);
        const int row = m_table->currentIndex().row();
        if (key->key() == Qt::Key_Delete && key->modifiers() == Qt::NoModifier) {
            removeSymbol(row);
            return true;
        }
        if ((key->key() == Qt::Key_Up || key->key() == Qt::Key_Down) && key->modifiers() == Qt::ControlModifier) {
            moveSymbol(row, key->key() == Qt::Key_Up ? -1 : +1);
            return true;
        }
    }
    return QDockWidget::eventFilter(watched, event);
}

void WatchlistDock::onCurrentRowChanged() {
    if (m_table->currentIndex().isValid()) m_walkTimer->start();
}

void WatchlistDock::openCurrent() {
    if (auto s = symbolAt(m_table->currentIndex().row())) emit symbolActivated(*s);
}

void WatchlistDock::listChanged() {
    const std::vector<session::WatchSymbol> list = symbols();
    m_model->setSymbols(list);
    m_feed->setSymbols(list);
    refreshVenueStatus();
    save();
}

int WatchlistDock::importText(const QString& text) {
    const session::WatchImport got = session::parseWatchlistText(text.toStdString(), activeVenue().toStdString());
    auto& list = m_lists[static_cast<std::size_t>(m_current)].symbols;
    int added = 0;
    QStringList problems;
    for (const auto& p : got.problems)
        problems << tr("line %1 (%2): %3")
                        .arg(p.line)
                        .arg(qs(p.text), p.error ? parseErrorText(*p.error) : tr("listed twice"));
    for (const auto& s : got.symbols) {
        if (std::find(list.begin(), list.end(), s) != list.end()) continue;  // already in the list
        list.push_back(s);
        ++added;
    }
    QString message = tr("Imported %n symbol(s)", nullptr, added);
    if (!problems.isEmpty())
        message += QStringLiteral("; ") + tr("%n line(s) skipped:", nullptr, static_cast<int>(problems.size())) +
                   QStringLiteral("\n") + problems.join(QStringLiteral("\n"));
    showMessage(message, !problems.isEmpty());
    if (added > 0) listChanged();
    return added;
}

int WatchlistDock::importList(const QString& name, const QString& text) {
    if (!setCurrentList(name) && !addList(name)) return 0;
    m_lists[static_cast<std::size_t>(m_current)].symbols.clear();
    listChanged();
    return importText(text);
}

QString WatchlistDock::exportText() const { return qs(session::watchlistText(symbols())); }

void WatchlistDock::importInteractive() {
    const QString path = QFileDialog::getOpenFileName(this, tr("Import a watchlist"), QString(),
                                                      tr("Text files (*.txt);;All files (*)"));
    if (path.isEmpty()) return;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text)) {
        showMessage(tr("Cannot read %1: %2").arg(path, file.errorString()), true);
        return;
    }
    importText(QString::fromUtf8(file.readAll()));
}

void WatchlistDock::exportInteractive() {
    const QString path = QFileDialog::getSaveFileName(this, tr("Export the watchlist"), currentList() + QStringLiteral(".txt"),
                                                      tr("Text files (*.txt);;All files (*)"));
    if (path.isEmpty()) return;
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Text | QIODevice::Truncate) || file.write(exportText().toUtf8()) < 0) {
        showMessage(tr("Cannot write %1: %2").arg(path, file.errorString()), true);
        return;
    }
    showMessage(tr("Exported %n symbol(s) to %1", nullptr, static_cast<int>(symbols().size())).arg(path), false);
}

QString WatchlistDock::venueStatusText() const {
    QStringList parts;
    for (const auto& [venue, st] : m_feed->venueStates()) {
        QString text = exchangeDisplayName(qs(venue)) + QStringLiteral(": ");
        if (st.state == feed::FeedState::Failed) {
            text += tr("unreachable") + (st.error.empty() ? QString() : QStringLiteral(" (") + coreText(st.error) + QStringLiteral(")"));
        } else if (st.state == feed::FeedState::Reconnecting) {
            text += tr("reconnecting in %1 s").arg((st.retryInMs + 999) / 1000) +
                    (st.detail.empty() ? QString() : QStringLiteral(" (") + coreText(st.detail) + QStringLiteral(")"));
        } else {
            text += feedStateText(st.state);
            if (!st.error.empty()) text += QStringLiteral(" (") + coreText(st.error) + QStringLiteral(")");
        }
        parts << text;
    }
    return parts.join(QStringLiteral(" · "));
}

void WatchlistDock::refreshVenueStatus() {
    m_venueStatus->setText(venueStatusText());
    bool trouble = false;
    for (const auto& entry : m_feed->venueStates()) {
        const WatchlistFeed::VenueState& st = entry.second;
        trouble = trouble || st.state == feed::FeedState::Failed || st.state == feed::FeedState::Reconnecting ||
                  st.state == feed::FeedState::Stale || !st.error.empty();
    }
    m_venueStatus->setStyleSheet(trouble ? QStringLiteral("color: #e53935;") : QString());
}

QByteArray WatchlistDock::state() const {
    QJsonArray lists;
    for (const auto& l : m_lists) {
        QJsonArray entries;
        for (const auto& s : l.symbols) entries.append(qs(s.text()));
        lists.append(QJsonObject{{QStringLiteral("name"), qs(l.name)}, {QStringLiteral("symbols"), entries}});
    }
    return QJsonDocument(QJsonObject{{QStringLiteral("version"), 1},
                                     {QStringLiteral("current"), m_current},
                                     {QStringLiteral("lists"), lists}})
        .toJson(QJsonDocument::Compact);
}

bool WatchlistDock::restoreState(const QByteArray& state) {
    const QJsonDocument doc = QJsonDocument::fromJson(state);
    if (!doc.isObject() || doc.object().value(QStringLiteral("version")).toInt() != 1) return false;
    std::vector<session::Watchlist> lists;
    for (const QJsonValue& v : doc.object().value(QStringLiteral("lists")).toArray()) {
        session::Watchlist l{v.toObject().value(QStringLiteral("name")).toString().toStdString(), {}};
        if (l.name.empty()) continue;
        for (const QJsonValue& s : v.toObject().value(QStringLiteral("symbols")).toArray())
            if (auto parsed = session::parseWatchSymbol(s.toString().toStdString(), ""); parsed.symbol)
                l.symbols.push_back(*parsed.symbol);
        lists.push_back(std::move(l));
    }
    if (lists.empty()) return false;
    m_lists = std::move(lists);
    m_current = std::clamp(doc.object().value(QStringLiteral("current")).toInt(), 0, static_cast<int>(m_lists.size()) - 1);
    m_restoring = true;
    m_listBox->clear();
    m_listBox->addItems(listNames());
    m_listBox->setCurrentIndex(m_current);
    m_restoring = false;
    listChanged();
    return true;
}

void WatchlistDock::save() {
    if (m_restoring || m_lists.empty()) return;
    m_settings.setWatchlists(state());
}

}  // namespace cpc::app
