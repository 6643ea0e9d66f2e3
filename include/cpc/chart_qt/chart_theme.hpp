#pragma once
// Colours and fonts of the chart. The default is a dark theme close to TradingView's.
#include <QColor>
#include <QFont>

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
    QFont font;        // axis labels and legend
    QFont boldFont;    // emphasised labels, legend title
    QFont placeholderFont;
};

ChartTheme darkTheme();

}  // namespace cpc::chart_qt
