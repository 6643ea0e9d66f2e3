#include "cpc/app/app_identity.hpp"

#include <QFileInfo>
#include <QString>

// Outside any namespace, as Q_INIT_RESOURCE requires. cpc_app is a static library: without this
// call the linker would drop the resource object nothing else refers to.
static void initApplicationResources() { Q_INIT_RESOURCE(canvasprochart); }

namespace cpc::app {

QIcon applicationIcon() {
    static const bool initialised = (initApplicationResources(), true);
    (void)initialised;
    QIcon icon;
    for (const int size : {16, 24, 32, 48, 64, 128, 256})
        icon.addFile(QStringLiteral(":/icons/%1.png").arg(size), QSize(size, size));
    return icon;
}

}  // namespace cpc::app
