#pragma once
#include <QMainWindow>
#include <QPointer>

#include "cpc/core/interval.hpp"

class QComboBox;
class QLabel;

namespace cpc::chart_qt { class ChartCanvas; }

namespace cpc::app {

class AppSettings;
class ChartController;

class MainWindow final : public QMainWindow {
    Q_OBJECT
public:
    MainWindow(ChartController& controller, AppSettings& settings, QWidget* parent = nullptr);
    ~MainWindow() override;

    void openSeries(const QString& symbol, Interval interval);
    chart_qt::ChartCanvas* canvas() const { return m_canvas; }

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void buildToolbar();
    void onSymbolChosen();
    void onIntervalChosen(int index);
    void refreshStatus();
    void rebindChart();

    ChartController& m_controller;
    AppSettings& m_settings;
    chart_qt::ChartCanvas* m_canvas = nullptr;
    QComboBox* m_symbolBox = nullptr;
    QComboBox* m_intervalBox = nullptr;
    QLabel* m_stateLabel = nullptr;
    QLabel* m_updateLabel = nullptr;
    QLabel* m_countLabel = nullptr;
};

}  // namespace cpc::app
