// Typing on the chart, as on TradingView: "15" Enter (or "4h", "1d"…) switches the timeframe, a
// letter opens the symbol search with it. MainWindow's, kept out of main_window.cpp. The canvas
// handles its own keys (zoom, scroll, Delete, Escape) and leaves the rest to the window.
#include <QComboBox>
#include <QCompleter>
#include <QKeyEvent>
#include <QLineEdit>
#include <QStatusBar>

#include "cpc/app/chart_controller.hpp"
#include "cpc/app/main_window.hpp"

namespace cpc::app {

std::optional<Interval> MainWindow::typedInterval(const QString& typed) {
    const QString t = typed.trimmed();
    if (t.isEmpty() || !t.front().isDigit()) return std::nullopt;
    bool digitsOnly = true;
    for (const QChar c : t) digitsOnly = digitsOnly && c.isDigit();
    if (!digitsOnly) {
        // "15m", "4h", "1M" (month), "1s"; "1D" and "1W" as TradingView writes them too.
        QString text = t;
        if (text.endsWith(QLatin1Char('D')) || text.endsWith(QLatin1Char('W')) || text.endsWith(QLatin1Char('H')))
            text = text.left(text.size() - 1) + text.back().toLower();
        return parseInterval(text.toStdString());
    }
    // Digits alone are minutes: 60 is 1h, 240 is 4h, 1440 is 1d.
    bool ok = false;
    const long long minutes = t.toLongLong(&ok);
    if (!ok || minutes <= 0) return std::nullopt;
    if (minutes < 60) return parseInterval(std::to_string(minutes) + "m");
    if (minutes % 1440 == 0) return parseInterval(std::to_string(minutes / 1440) + "d");
    if (minutes % 60 == 0) return parseInterval(std::to_string(minutes / 60) + "h");
    return std::nullopt;
}

void MainWindow::keyPressEvent(QKeyEvent* event) {
    const QString text = event->text();
    const bool plain = !(event->modifiers() & (Qt::ControlModifier | Qt::AltModifier | Qt::MetaModifier));
    auto showTyped = [this] {
        statusBar()->showMessage(tr("Timeframe: %1 (Enter to switch, Esc to cancel)").arg(m_typed), 5000);
    };
    if (plain && text.size() == 1 && text.front().isDigit()) {
        m_typed += text;
        showTyped();
        event->accept();
        return;
    }
    if (plain && !m_typed.isEmpty() && text.size() == 1 && text.front().isLetter()) {
        m_typed += text;  // the unit: m, h, d, w, M, s
        showTyped();
        event->accept();
        return;
    }
    if (!m_typed.isEmpty() && (event->key() == Qt::Key_Return || event->key() == Qt::Key_Enter)) {
        const QString typed = m_typed;
        m_typed.clear();
        if (const auto interval = typedInterval(typed)) {
            statusBar()->clearMessage();
            if (*interval != activeController().currentKey().interval)
                openSeries(QString::fromStdString(activeController().currentKey().symbol), *interval);
        } else {
            statusBar()->showMessage(tr("No timeframe \"%1\": type e.g. 15 (minutes), 4h, 1d, 1w or 1M").arg(typed), 8000);
        }
        event->accept();
        return;
    }
    if (!m_typed.isEmpty() && (event->key() == Qt::Key_Escape || event->key() == Qt::Key_Backspace)) {
        if (event->key() == Qt::Key_Escape) m_typed.clear();
        else m_typed.chop(1);
        if (m_typed.isEmpty()) statusBar()->clearMessage();
        else showTyped();
        event->accept();
        return;
    }
    if (plain && m_typed.isEmpty() && text.size() == 1 && text.front().isLetter()) {
        // A letter starts a symbol search with it, the list filtered as the user goes on typing.
        m_symbolBox->setFocus(Qt::ShortcutFocusReason);
        m_symbolBox->lineEdit()->setText(text.toUpper());
        m_symbolBox->completer()->setCompletionPrefix(text.toUpper());
        m_symbolBox->completer()->complete();
        event->accept();
        return;
    }
    QMainWindow::keyPressEvent(event);
}

}  // namespace cpc::app
