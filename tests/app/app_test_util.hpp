#pragma once
#include <QColor>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QImage>
#include <QProcess>
#include <QStringList>
#include <QThread>

namespace cpc::test {

template <class Pred>
bool processEventsUntil(Pred pred, int timeoutMs) {
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < timeoutMs) {
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
        if (pred()) return true;
        QThread::msleep(10);
    }
    return pred();
}

// Pixels close to `color` (the chart's candle colours are exact fills; allow for blending).
inline int countColor(const QImage& image, QColor color, int tolerance = 24) {
    int n = 0;
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x) {
            const QColor c = image.pixelColor(x, y);
            if (std::abs(c.red() - color.red()) <= tolerance && std::abs(c.green() - color.green()) <= tolerance &&
                std::abs(c.blue() - color.blue()) <= tolerance)
                ++n;
        }
    return n;
}

#ifdef CPC_APP_BINARY
// One run of the real canvasprochart binary (offscreen), as a user starts it.
struct AppRun {
    int exitCode = -1;  // -1: it crashed or was killed after `timeoutMs`
    QString out;
    QString err;
};

inline AppRun runApp(const QStringList& args, int timeoutMs = 60000) {
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert("QT_QPA_PLATFORM", "offscreen");
    p.setProcessEnvironment(env);
    p.start(CPC_APP_BINARY, args);
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
    }
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
            QString::fromLocal8Bit(p.readAllStandardOutput()), QString::fromLocal8Bit(p.readAllStandardError())};
}
#endif

inline const QColor kRising(0x26, 0xa6, 0x9a);
inline const QColor kFalling(0xef, 0x53, 0x50);

}  // namespace cpc::test
