#pragma once
// The watchlist dock (issue 14): named lists of symbols from any venue, each row the symbol's last
// price, 24 h change, 24 h volume (quote asset) and a sparkline of the day, the row flashing green
// or red when the price moves. The header sorts (a third click: the list's own order again); rows
// are added by typing (EXCHANGE:SYMBOL, or SYMBOL for the active chart's venue; a bad entry is
// said under the field), removed (Delete) and moved (Ctrl+Up / Ctrl+Down, or the menu). A click on
// a row, or walking the list with Up / Down, opens the symbol in the active chart (switching its
// venue when needed). Lists are imported and exported as text, one EXCHANGE:SYMBOL a line (bad
// lines are reported by number, the good ones kept), and saved in the settings on every change.
// The tickers come from WatchlistFeed (one connection per venue, shared with the charts); each
// venue's connection state is shown under the list (red while it is not live).
#include <QDockWidget>
#include <QPointer>
#include <QString>
#include <QStringList>
#include <optional>
#include <vector>

#include "cpc/session/watchlist.hpp"

class QComboBox;
class QLabel;
class QLineEdit;
class QMenu;
class QSortFilterProxyModel;
class QTableView;
class QTimer;
class QToolButton;

namespace cpc::app {

class AppSettings;
class MainWindow;
class WatchlistFeed;
class WatchlistModel;

class WatchlistDock final : public QDockWidget {
    Q_OBJECT
public:
    // Docks itself on the window's right, adds "Watchlist" to the Layout menu, restores the lists
    // saved in `settings` (or a first list of the active chart's venue) and starts their tickers on
    // the active chart's market session.
    WatchlistDock(MainWindow& window, AppSettings& settings);
    ~WatchlistDock() override;

    // ---- lists ---------------------------------------------------------------------------
    QStringList listNames() const;
    QString currentList() const;
    bool setCurrentList(const QString& name);
    // False when the name is empty or taken.
    bool addList(const QString& name);
    bool renameList(const QString& name);  // the current one
    bool removeList();                     // the current one; false when it is the last
    // The current list in its own order.
    std::vector<session::WatchSymbol> symbols() const;

    // ---- entries -------------------------------------------------------------------------
    // Adds a typed entry to the current list; false (the reason shown under the field and
    // returned in lastMessage()) when it does not parse or is already there.
    bool addSymbol(const QString& text);
    bool removeSymbol(int row);                 // view row
    bool moveSymbol(int row, int delta);        // view row; the view goes back to the list's order
    // Text import into the current list: the good lines are added, the bad ones reported ("line 3:
    // …") in lastMessage(); the count added.
    int importText(const QString& text);
    // The list `name` (made, or emptied when it exists) shown and filled from `text` as
    // importText does (`canvasprochart --watchlist FILE`); the count added.
    int importList(const QString& name, const QString& text);
    QString exportText() const;
    QString lastMessage() const;
    // The message of the venue states shown under the list ("Binance: live · OKX: reconnecting…").
    QString venueStatusText() const;

    // ---- view ----------------------------------------------------------------------------
    QTableView* table() const { return m_table; }
    // -1: the list's own order.
    void sortBy(int column, Qt::SortOrder order);
    // The symbol at a view row.
    std::optional<session::WatchSymbol> symbolAt(int row) const;
    const WatchlistFeed& feed() const { return *m_feed; }
    // The saved form (JSON) and back (restore: false when it does not parse; nothing changes).
    QByteArray state() const;
    bool restoreState(const QByteArray& state);

    enum Column { SymbolColumn, LastColumn, ChangeColumn, VolumeColumn, DayColumn, ColumnCount };

signals:
    // A row was clicked or walked to: the window opens it in the active chart.
    void symbolActivated(const cpc::session::WatchSymbol& symbol);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void buildUi();
    void onCurrentRowChanged();
    void openCurrent();
    void showMessage(const QString& text, bool error);
    void listChanged();  // the current list's entries changed: model, feed, settings
    void refreshVenueStatus();
    void save();
    void importInteractive();
    void exportInteractive();
    QString activeVenue() const;

    MainWindow& m_window;
    AppSettings& m_settings;
    std::vector<session::Watchlist> m_lists;
    int m_current = 0;
    WatchlistFeed* m_feed = nullptr;
    WatchlistModel* m_model = nullptr;
    QSortFilterProxyModel* m_proxy = nullptr;
    QTableView* m_table = nullptr;
    QComboBox* m_listBox = nullptr;
    QLineEdit* m_addEdit = nullptr;
    QLabel* m_message = nullptr;
    QLabel* m_venueStatus = nullptr;
    QTimer* m_walkTimer = nullptr;
    QTimer* m_flashTimer = nullptr;
    QString m_lastMessage;
    bool m_restoring = false;
};

}  // namespace cpc::app
