#pragma once
// The side toolbar's icons, drawn with QPainter (Qt here has no SVG plugin): line art in one
// colour, so they follow the theme (MainWindow draws them again in the palette's text colour).
#include <QColor>
#include <QIcon>

namespace cpc::app {

enum class ToolIcon {
    HorizontalLine,
    VerticalLine,
    TrendLine,
    Ray,
    Rectangle,
    Fibonacci,
    Delete,
    AutoScale,
    LogScale,
    PercentScale,
    Volume,
    Screenshot,
    Realtime,
    ParallelChannel,
    Text,
    PriceRange,
    DateRange,
    LongPosition,
    ShortPosition,
    Magnet,
};

inline constexpr ToolIcon kAllToolIcons[] = {
    ToolIcon::HorizontalLine, ToolIcon::VerticalLine, ToolIcon::TrendLine,    ToolIcon::Ray,          ToolIcon::Rectangle,
    ToolIcon::Fibonacci,      ToolIcon::Delete,       ToolIcon::AutoScale,    ToolIcon::LogScale,     ToolIcon::PercentScale,
    ToolIcon::Volume,         ToolIcon::Screenshot,   ToolIcon::Realtime,     ToolIcon::ParallelChannel, ToolIcon::Text,
    ToolIcon::PriceRange,     ToolIcon::DateRange,    ToolIcon::LongPosition, ToolIcon::ShortPosition, ToolIcon::Magnet};

// The icon in `ink`, at 24 and 48 px (the toolbar's size at scale 1 and 2).
QIcon toolIcon(ToolIcon icon, const QColor& ink);

}  // namespace cpc::app
