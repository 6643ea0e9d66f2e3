#include "cpc/app/desktop_notifier.hpp"

#include <QApplication>
#include <QDBusConnection>
#include <QDBusConnectionInterface>
#include <QStringList>
#include <QSystemTrayIcon>
#include <QVariantMap>

#include "cpc/app/app_identity.hpp"

namespace cpc::app {

namespace {

const QString kService = QStringLiteral("org.freedesktop.Notifications");
const QString kPath = QStringLiteral("/org/freedesktop/Notifications");

bool sessionServiceAvailable() {
    QDBusConnection bus = QDBusConnection::sessionBus();
    if (!bus.isConnected() || !bus.interface()) return false;
    return bus.interface()->isServiceRegistered(kService).value();
}

bool sendOnSessionBus(const QDBusMessage& message) {
    QDBusConnection bus = QDBusConnection::sessionBus();
    // Not waited for: the answer is only the notification's id.
    return bus.isConnected() && bus.send(message);
}

}  // namespace

QDBusMessage freedesktopNotifyMessage(const Notification& n) {
    QDBusMessage message = QDBusMessage::createMethodCall(kService, kPath, kService, QStringLiteral("Notify"));
    QVariantMap hints;
    hints.insert(QStringLiteral("desktop-entry"), QString::fromLatin1(kApplicationId));
    hints.insert(QStringLiteral("urgency"), QVariant::fromValue(static_cast<uchar>(1)));
    if (n.sound) hints.insert(QStringLiteral("sound-name"), QStringLiteral("message-new-instant"));
    else hints.insert(QStringLiteral("suppress-sound"), true);
    message << QStringLiteral("CanvasProChart") << static_cast<uint>(0) << QString::fromLatin1(kApplicationId)
            << n.title << n.body << QStringList{} << hints << static_cast<int>(-1);
    return message;
}

DesktopNotifier::DesktopNotifier() : DesktopNotifier(Backends{}) {}

DesktopNotifier::DesktopNotifier(Backends backends) : m_backends(std::move(backends)) {
    if (!m_backends.serviceAvailable) m_backends.serviceAvailable = sessionServiceAvailable;
    if (!m_backends.sendDBus) m_backends.sendDBus = sendOnSessionBus;
    if (!m_backends.trayMessage)
        m_backends.trayMessage = [this](const QString& title, const QString& body) {
            if (!QSystemTrayIcon::isSystemTrayAvailable()) return false;
            if (!m_tray) {
                m_tray = std::make_unique<QSystemTrayIcon>(applicationIcon());
                m_tray->setToolTip(QStringLiteral("CanvasProChart"));
                m_tray->show();
            }
            m_tray->showMessage(title, body, QSystemTrayIcon::Information);
            return true;
        };
    if (!m_backends.beep) m_backends.beep = [] { QApplication::beep(); };
}

DesktopNotifier::~DesktopNotifier() = default;

void DesktopNotifier::notify(const Notification& n) {
    // Asked each time: a notification daemon may start or stop while the app runs.
    if (m_backends.serviceAvailable() && m_backends.sendDBus(freedesktopNotifyMessage(n))) {
        m_lastRoute = Route::DBus;
        return;  // the daemon plays the sound-name hint
    }
    m_lastRoute = m_backends.trayMessage(n.title, n.body) ? Route::Tray : Route::None;
    if (n.sound) m_backends.beep();
}

}  // namespace cpc::app
