#pragma once
// Logical-pixel geometry shared by the chart model, layout and views. Device pixels exist only in
// the Qt renderers (cpc_chart_qt), which scale by the device pixel ratio.
#include <algorithm>

namespace cpc::chart {

struct Point {
    double x = 0;
    double y = 0;
    bool operator==(const Point&) const = default;
};

struct Rect {
    double x = 0;
    double y = 0;
    double width = 0;
    double height = 0;

    double left() const { return x; }
    double top() const { return y; }
    double right() const { return x + width; }
    double bottom() const { return y + height; }
    double centerX() const { return x + width / 2; }
    double centerY() const { return y + height / 2; }
    bool empty() const { return width <= 0 || height <= 0; }
    // Half-open: a point on the right or bottom edge belongs to the next rectangle.
    bool contains(Point p) const { return p.x >= x && p.x < right() && p.y >= y && p.y < bottom(); }
    bool intersects(const Rect& o) const {
        return !empty() && !o.empty() && x < o.right() && o.x < right() && y < o.bottom() &&
               o.y < bottom();
    }
    bool operator==(const Rect&) const = default;
};

}  // namespace cpc::chart
