#pragma once
// Help → About: what this program is (name, version and git commit), its licence and where its
// market data comes from (each venue's public endpoints; the demo's simulator).
#include <QDialog>

namespace cpc::app {

class AboutDialog final : public QDialog {
    Q_OBJECT
public:
    explicit AboutDialog(QWidget* parent = nullptr);

    // The dialog's text as shown (rich text), for tests and accessibility tools.
    QString text() const;

private:
    QString m_text;
};

}  // namespace cpc::app
