#pragma once
// Repaints paced to the display's frame rate (issue 21, "light while live"): the realtime window's
// models take the feed's batches once a display frame under load, and its widgets repaint at most
// once a display frame.
#include <QElapsedTimer>
#include <chrono>
#include <functional>

class QObject;
class QScreen;
class QTimer;

namespace cpc::app {

// At most one call of `action` per period: a request runs it now when the last run is a period
// old, else once when it will be (requests in between are merged). Used to bound repaints to the
// display's frame rate while the data changes more often.
//
// Period 0: a request runs as soon as the event being handled is done (requests until then are
// merged) — for a view whose owner already paces its changes to the display's frame (the
// realtime window applies its feed once a frame): two pacers each locked to their own phase
// would hold a change back for up to one more frame.
class FramePacer final {
public:
    FramePacer(QObject* owner, std::function<void()> action);
    void request();
    // Sets the period for good: followScreen() no longer changes it.
    void setPeriod(std::chrono::milliseconds period);
    // The period of `screen`'s refresh (periodOf), unless setPeriod() chose one.
    void followScreen(const QScreen* screen);
    std::chrono::milliseconds period() const { return m_period; }
    // The frame period of `screen`'s refresh rate (60 Hz when it reports none), 4–33 ms.
    static std::chrono::milliseconds periodOf(const QScreen* screen);

private:
    void run();
    std::function<void()> m_action;
    QTimer* m_timer;  // owned by `owner`
    QElapsedTimer m_sinceRun;
    std::chrono::milliseconds m_period{16};
    bool m_chosen = false;  // setPeriod() was called
};

}  // namespace cpc::app
