#pragma once
// How the app tells the user an alert fired when the window may be hidden: a desktop
// notification through the freedesktop notification service (org.freedesktop.Notifications on the
// session bus, Qt DBus) when a notification daemon runs, else the tray icon's balloon message
// (QSystemTrayIcon). The sound is the notification's "sound-name" hint
// ("message-new-instant", freedesktop's sound naming) — the daemon plays it — or, on the tray
// path, QApplication::beep(); no Qt Multimedia.
//
// Notifier is the interface the alert GUI calls (tests observe it); DesktopNotifier is the real
// one. Its routes are injectable so the D-Bus message's shape and the tray fallback are testable
// without a bus or a tray.
#include <QDBusMessage>
#include <QString>
#include <functional>
#include <memory>

class QSystemTrayIcon;

namespace cpc::app {

struct Notification {
    QString title;  // "BTCUSDT: price crosses 67000"
    QString body;   // the user's message, the price and the time
    bool sound = false;
};

class Notifier {
public:
    virtual ~Notifier() = default;
    virtual void notify(const Notification& notification) = 0;
};

// The org.freedesktop.Notifications.Notify call for `n` (Desktop Notifications Specification 1.2):
// app_name "CanvasProChart", replaces_id 0, the app's icon name, summary, body, no actions, hints
// {"desktop-entry": the app id, "urgency": byte 1 (normal), "sound-name": "message-new-instant"
// when n.sound, else "suppress-sound": true}, expire_timeout −1 (the server's default).
QDBusMessage freedesktopNotifyMessage(const Notification& n);

class DesktopNotifier final : public Notifier {
public:
    enum class Route { DBus, Tray, None };
    struct Backends {
        // Whether org.freedesktop.Notifications is on the session bus now.
        std::function<bool()> serviceAvailable;
        // Sends the call; false when the bus refused it (then the tray is used).
        std::function<bool(const QDBusMessage&)> sendDBus;
        // The tray icon's message; false when there is no system tray.
        std::function<bool(const QString& title, const QString& body)> trayMessage;
        std::function<void()> beep;
    };
    // The real routes: the session bus, a QSystemTrayIcon with the app's icon, QApplication::beep().
    DesktopNotifier();
    // Tests: any route left empty is the real one.
    explicit DesktopNotifier(Backends backends);
    ~DesktopNotifier() override;

    void notify(const Notification& notification) override;
    // Which route the last notify() took (None: no service and no tray; the status bar and the
    // log dock still show it).
    Route lastRoute() const { return m_lastRoute; }

private:
    Backends m_backends;
    std::unique_ptr<QSystemTrayIcon> m_tray;  // made at the first tray message
    Route m_lastRoute = Route::None;
};

}  // namespace cpc::app
