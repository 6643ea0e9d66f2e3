#pragma once
// Colours and fonts of the chart: a dark theme close to TradingView's (the default) and a light one.
#include <QColor>
#include <QFont>
#include <QString>
#include <QStringList>
#include <optional>

namespace cpc::chart_qt {

struct ChartTheme {
    QColor background{0x13, 0x17, 0x22};
    QColor grid{0x1e, 0x22, 0x2d};
    QColor border{0x2a, 0x2e, 0x39};        // pane separator and axis edges
    QColor text{0xb2, 0xb5, 0xbe};          // axis labels
    QColor strongText{0xe1, 0xe3, 0xea};    // emphasised time labels, legend title
    QColor mutedText{0x78, 0x7b, 0x86};     // legend field names, placeholder
    QColor inverseText{0xff, 0xff, 0xff};   // on tags
    QColor rising{0x26, 0xa6, 0x9a};
    QColor falling{0xef, 0x53, 0x50};
    QColor risingVolume{0x26, 0xa6, 0x9a, 0x73};
    QColor fallingVolume{0xef, 0x53, 0x50, 0x73};
    QColor crosshair{0x95, 0x98, 0xa1};
    QColor crosshairLabel{0x43, 0x48, 0x56};
    QColor line{0x29, 0x62, 0xff};            // line / area chart
    QColor areaTop{0x29, 0x62, 0xff, 0x66};   // area fill gradient, top
    QColor areaBottom{0x29, 0x62, 0xff, 0x05};
    QColor baselineUpFill{0x26, 0xa6, 0x9a, 0x40};
    QColor baselineDownFill{0xef, 0x53, 0x50, 0x40};
    QColor drawing{0x29, 0x62, 0xff};
    QColor drawingFill{0x29, 0x62, 0xff, 0x26};
    QColor selectionHandle{0xff, 0xff, 0xff};
    QColor alertMarker{0xff, 0x98, 0x00};  // where an alert fired (both themes)
    // Visible-range volume profile: translucent (drawn behind the candles, over the grid); rows
    // in the value area stronger than the rest, the POC marked by a line across the pane.
    QColor profileUp{0x26, 0xa6, 0x9a, 0x66};
    QColor profileDown{0xef, 0x53, 0x50, 0x66};
    QColor profileUpOutside{0x26, 0xa6, 0x9a, 0x2e};
    QColor profileDownOutside{0xef, 0x53, 0x50, 0x2e};
    QColor profilePoc{0xff, 0xb7, 0x4d, 0xcc};
    bool dark = true;
    QFont font;        // axis labels and legend
    QFont boldFont;    // emphasised labels, legend title
    QFont placeholderFont;
};

ChartTheme darkTheme();
ChartTheme lightTheme();
// "dark" / "light"; nullopt for anything else.
std::optional<ChartTheme> themeByName(const QString& name);
QStringList themeNames();

}  // namespace cpc::chart_qt
