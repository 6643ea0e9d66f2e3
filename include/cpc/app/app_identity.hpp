#pragma once
// Who the application is to the desktop: its id (the name of its .desktop, metainfo and icon files
// under resources/) and its icon, compiled in from resources/canvasprochart.qrc.
#include <QIcon>

namespace cpc::app {

inline constexpr const char* kApplicationId = "io.github.canvasprochart.CanvasProChart";

// The window icon in every size the resource file holds (16 to 256 px).
QIcon applicationIcon();

}  // namespace cpc::app
