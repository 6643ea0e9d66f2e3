#include "cpc/app/tool_icons.hpp"

#include <QPainter>
#include <QPainterPath>
#include <QPixmap>

namespace cpc::app {

namespace {

// Draws `icon` on a 24 × 24 grid (the painter is scaled to the pixmap).
void paint(QPainter& p, ToolIcon icon, const QColor& ink) {
    QPen pen(ink, 1.6, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin);
    p.setPen(pen);
    p.setBrush(Qt::NoBrush);
    // A drawing's anchor: a small ring, as the chart shows a selected drawing's handles.
    auto anchor = [&](QPointF at) {
        p.save();
        p.setBrush(ink);
        p.drawEllipse(at, 2.0, 2.0);
        p.restore();
    };
    switch (icon) {
    case ToolIcon::HorizontalLine:
        p.drawLine(QPointF(3, 12), QPointF(21, 12));
        anchor({12, 12});
        break;
    case ToolIcon::VerticalLine:
        p.drawLine(QPointF(12, 3), QPointF(12, 21));
        anchor({12, 12});
        break;
    case ToolIcon::TrendLine:
        p.drawLine(QPointF(5, 19), QPointF(19, 5));
        anchor({5, 19});
        anchor({19, 5});
        break;
    case ToolIcon::Ray: {
        p.drawLine(QPointF(5, 19), QPointF(21, 3));
        anchor({5, 19});
        anchor({12, 12});
        // The open end: an arrow head, the line goes on.
        QPainterPath head;
        head.moveTo(15, 3);
        head.lineTo(21, 3);
        head.lineTo(21, 9);
        p.drawPath(head);
        break;
    }
    case ToolIcon::Rectangle:
        p.drawRect(QRectF(4, 6, 16, 12));
        anchor({4, 6});
        anchor({20, 18});
        break;
    case ToolIcon::Fibonacci: {
        // Levels 0, 0.382, 0.618, 1 between two anchors, with the diagonal between them.
        for (const double y : {4.0, 10.1, 13.9, 20.0}) p.drawLine(QPointF(3, y), QPointF(21, y));
        QPen dashed = pen;
        dashed.setWidthF(1.0);
        dashed.setDashPattern({2, 2});
        p.setPen(dashed);
        p.drawLine(QPointF(6, 20), QPointF(18, 4));
        p.setPen(pen);
        anchor({6, 20});
        anchor({18, 4});
        break;
    }
    case ToolIcon::Delete: {
        // A bin: lid, handle, body with two ribs.
        p.drawLine(QPointF(4, 6.5), QPointF(20, 6.5));
        p.drawLine(QPointF(9.5, 6.5), QPointF(10, 3.5));
        p.drawLine(QPointF(10, 3.5), QPointF(14, 3.5));
        p.drawLine(QPointF(14, 3.5), QPointF(14.5, 6.5));
        QPainterPath body;
        body.moveTo(6, 6.5);
        body.lineTo(7.2, 20.5);
        body.lineTo(16.8, 20.5);
        body.lineTo(18, 6.5);
        p.drawPath(body);
        p.drawLine(QPointF(10, 10), QPointF(10.3, 17));
        p.drawLine(QPointF(14, 10), QPointF(13.7, 17));
        break;
    }
    case ToolIcon::AutoScale: {
        // A price axis fitted to the bars: a double arrow between two bounds, candles beside it.
        p.drawLine(QPointF(14, 3), QPointF(21, 3));
        p.drawLine(QPointF(14, 21), QPointF(21, 21));
        p.drawLine(QPointF(17.5, 5), QPointF(17.5, 19));
        for (const double y : {5.0, 19.0}) {
            const double d = y < 12 ? 3 : -3;
            p.drawLine(QPointF(17.5, y), QPointF(15, y + d));
            p.drawLine(QPointF(17.5, y), QPointF(20, y + d));
        }
        p.save();
        p.setBrush(ink);
        p.drawRect(QRectF(4, 9, 3, 8));
        p.drawRect(QRectF(9, 6, 3, 7));
        p.restore();
        p.drawLine(QPointF(5.5, 6), QPointF(5.5, 20));
        p.drawLine(QPointF(10.5, 4), QPointF(10.5, 16));
        break;
    }
    case ToolIcon::LogScale: {
        // Axes and a logarithmic curve: steep, then flattening.
        p.drawLine(QPointF(4, 3), QPointF(4, 20));
        p.drawLine(QPointF(4, 20), QPointF(21, 20));
        QPainterPath curve;
        curve.moveTo(5, 19);
        curve.cubicTo(QPointF(6, 9), QPointF(10, 6), QPointF(21, 5));
        p.drawPath(curve);
        break;
    }
    case ToolIcon::PercentScale:
        p.drawEllipse(QPointF(7, 7), 3.0, 3.0);
        p.drawEllipse(QPointF(17, 17), 3.0, 3.0);
        p.drawLine(QPointF(19, 4), QPointF(5, 20));
        break;
    case ToolIcon::Volume:
        p.save();
        p.setBrush(ink);
        p.setPen(Qt::NoPen);
        p.drawRect(QRectF(3, 13, 3.5, 8));
        p.drawRect(QRectF(8, 8, 3.5, 13));
        p.drawRect(QRectF(13, 15, 3.5, 6));
        p.drawRect(QRectF(18, 5, 3.5, 16));
        p.restore();
        break;
    case ToolIcon::Screenshot: {
        // A camera.
        QPainterPath camera;
        camera.moveTo(3, 8);
        camera.lineTo(8, 8);
        camera.lineTo(9.5, 5);
        camera.lineTo(14.5, 5);
        camera.lineTo(16, 8);
        camera.lineTo(21, 8);
        camera.lineTo(21, 19);
        camera.lineTo(3, 19);
        camera.closeSubpath();
        p.drawPath(camera);
        p.drawEllipse(QPointF(12, 13.5), 3.5, 3.5);
        break;
    }
    case ToolIcon::Realtime: {
        // A pulse: the live tape's heartbeat.
        QPainterPath pulse;
        pulse.moveTo(2, 13);
        pulse.lineTo(7, 13);
        pulse.lineTo(9.5, 6);
        pulse.lineTo(13, 19);
        pulse.lineTo(15.5, 10);
        pulse.lineTo(17, 13);
        pulse.lineTo(22, 13);
        p.drawPath(pulse);
        break;
    }
    case ToolIcon::ParallelChannel:
        // Two parallel rising lines, the first with its anchors.
        p.drawLine(QPointF(3, 15), QPointF(17, 5));
        p.drawLine(QPointF(7, 20), QPointF(21, 10));
        anchor({3, 15});
        anchor({17, 5});
        break;
    case ToolIcon::Text: {
        // A "T".
        QPen bold = pen;
        bold.setWidthF(2.2);
        p.setPen(bold);
        p.drawLine(QPointF(5, 5), QPointF(19, 5));
        p.drawLine(QPointF(12, 5), QPointF(12, 20));
        break;
    }
    case ToolIcon::PriceRange:
        // Two price levels and an arrow up between them (on pixel centres: crisp at 24 px).
        p.drawLine(QPointF(4, 4.5), QPointF(20, 4.5));
        p.drawLine(QPointF(4, 19.5), QPointF(20, 19.5));
        p.drawLine(QPointF(12.5, 18), QPointF(12.5, 6));
        p.drawLine(QPointF(12.5, 6), QPointF(9.5, 9));
        p.drawLine(QPointF(12.5, 6), QPointF(15.5, 9));
        break;
    case ToolIcon::DateRange:
        // Two times and an arrow right between them.
        p.drawLine(QPointF(4.5, 4), QPointF(4.5, 20));
        p.drawLine(QPointF(19.5, 4), QPointF(19.5, 20));
        p.drawLine(QPointF(6, 12.5), QPointF(18, 12.5));
        p.drawLine(QPointF(18, 12.5), QPointF(15, 9.5));
        p.drawLine(QPointF(18, 12.5), QPointF(15, 15.5));
        break;
    case ToolIcon::LongPosition:
    case ToolIcon::ShortPosition: {
        // The target zone filled, the stop zone outlined, the entry between them.
        const bool isLong = icon == ToolIcon::LongPosition;
        const QRectF target(4, isLong ? 3 : 12, 16, 9);
        const QRectF stop(4.5, isLong ? 12.5 : 6.5, 15, 5);
        p.save();
        p.setBrush(ink);
        p.setPen(Qt::NoPen);
        p.drawRect(target);
        p.restore();
        p.drawRect(stop);
        p.drawLine(QPointF(3, 12.5), QPointF(21, 12.5));
        break;
    }
    case ToolIcon::Magnet: {
        // A horseshoe magnet, poles down.
        QPainterPath shoe;
        shoe.moveTo(6, 20);
        shoe.lineTo(6, 11);
        shoe.arcTo(QRectF(6, 4, 12, 14), 180, -180);
        shoe.lineTo(18, 20);
        QPen thick = pen;
        thick.setWidthF(2.4);
        p.setPen(thick);
        p.drawPath(shoe);
        p.setPen(pen);
        p.drawLine(QPointF(4.5, 17), QPointF(7.5, 17));
        p.drawLine(QPointF(16.5, 17), QPointF(19.5, 17));
        break;
    }
    }
}

}  // namespace

QIcon toolIcon(ToolIcon icon, const QColor& ink) {
    QIcon result;
    for (const int size : {24, 48}) {
        QPixmap pixmap(size, size);
        pixmap.fill(Qt::transparent);
        QPainter p(&pixmap);
        p.setRenderHint(QPainter::Antialiasing);
        p.scale(size / 24.0, size / 24.0);
        paint(p, icon, ink);
        p.end();
        result.addPixmap(pixmap);
    }
    return result;
}

}  // namespace cpc::app
