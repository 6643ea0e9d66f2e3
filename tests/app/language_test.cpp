#include <gtest/gtest.h>

#include <QComboBox>
#include <QCoreApplication>
#include <QMenu>
#include <QMenuBar>
#include <QTemporaryDir>

#include "cpc/app/app_settings.hpp"
#include "cpc/app/chart_controller.hpp"
#include "cpc/app/feed_text.hpp"
#include "cpc/app/language.hpp"
#include "cpc/app/main_window.hpp"
#include "cpc/app/realtime_models.hpp"
#include "cpc/app/settings_dialog.hpp"
#include "cpc/chart_qt/chart_text.hpp"

using namespace cpc;
using namespace cpc::app;

namespace {

// Every test leaves the process in English, as the other GUI tests expect.
class Language : public ::testing::Test {
protected:
    void TearDown() override { EXPECT_EQ(applyLanguage(QStringLiteral("en")), QString()); }
};

QStringList menuTitles(const MainWindow& window) {
    QStringList titles;
    for (QAction* a : window.menuBar()->actions()) titles << a->text();
    return titles;
}

}  // namespace

TEST_F(Language, FlagValuesAreTheTwoInterfaceLanguagesInAnySpelling) {
    EXPECT_EQ(interfaceLanguages(), (QStringList{"en", "pt_BR"}));
    EXPECT_EQ(parseLanguage("pt_BR"), QString("pt_BR"));
    EXPECT_EQ(parseLanguage("pt-br"), QString("pt_BR"));
    EXPECT_EQ(parseLanguage(" EN "), QString("en"));
    EXPECT_FALSE(parseLanguage("fr"));
    EXPECT_FALSE(parseLanguage("pt"));
    EXPECT_FALSE(parseLanguage(""));
}

TEST_F(Language, TheSystemLocalePicksPortugueseOrEnglish) {
    EXPECT_EQ(systemLanguage(QLocale("pt_BR")), "pt_BR");
    EXPECT_EQ(systemLanguage(QLocale("pt_PT")), "pt_BR");  // the closest there is
    EXPECT_EQ(systemLanguage(QLocale("en_GB")), "en");
    EXPECT_EQ(systemLanguage(QLocale("de_DE")), "en");
    EXPECT_EQ(systemLanguage(QLocale::c()), "en");
}

TEST_F(Language, BrazilianPortugueseTranslatesTheWindowAndUsesTheDecimalComma) {
    ASSERT_EQ(applyLanguage("pt_BR"), QString());
    EXPECT_EQ(currentLanguage(), "pt_BR");
    QTemporaryDir dir;
    ControllerOptions options;
    options.databasePath = dir.filePath("cache.sqlite3").toStdString();
    ChartController controller(options);
    AppSettings settings(dir.filePath("settings.ini"));
    {
        MainWindow window(controller, settings);
        const QStringList titles = menuTitles(window);
        EXPECT_TRUE(titles.contains("&Arquivo")) << titles.join(", ").toStdString();
        EXPECT_TRUE(titles.contains("&Indicadores")) << titles.join(", ").toStdString();
        EXPECT_TRUE(titles.contains("Aj&uda")) << titles.join(", ").toStdString();
    }
    EXPECT_EQ(feedStateText(feed::FeedState::Live), "ao vivo");
    // The chart's words and separator, made at the Qt boundary.
    const chart::TextLocale text = chart_qt::chartTextLocale();
    EXPECT_EQ(text.decimalPoint, ',');
    EXPECT_EQ(text.months[1], "fev");
    EXPECT_EQ(text.weekdays[6], "sáb");
    EXPECT_EQ(text.open, "A");
    EXPECT_EQ(text.high, "Máx");
    EXPECT_TRUE(text.dayBeforeMonth);
    // Tables: prices with a comma, as the venues print them otherwise (no grouping).
    EXPECT_EQ(formatDecimal(*Decimal::parse("41732.35000000"), 2), "41732,35");
    EXPECT_EQ(QLocale().toString(1.5, 'f', 1), "1,5");
    // Plurals come from the translation.
    EXPECT_EQ(QCoreApplication::translate("cpc::app::MainWindow", "%Ln candle(s)", nullptr, 1), "1 vela");
    EXPECT_EQ(QCoreApplication::translate("cpc::app::MainWindow", "%Ln candle(s)", nullptr, 1000), "1.000 velas");
}

TEST_F(Language, EnglishIsTheSourceTextsWithAPointAndItsPlurals) {
    ASSERT_EQ(applyLanguage("pt_BR"), QString());
    ASSERT_EQ(applyLanguage("en"), QString());  // replaces the Portuguese translators
    EXPECT_EQ(QCoreApplication::translate("cpc::app::MainWindow", "&File"), "&File");
    const chart::TextLocale text = chart_qt::chartTextLocale();
    EXPECT_EQ(text.decimalPoint, '.');
    EXPECT_EQ(text.months[1], "Feb");
    EXPECT_FALSE(text.dayBeforeMonth);
    EXPECT_EQ(formatDecimal(*Decimal::parse("41732.35000000"), 2), "41732.35");
    EXPECT_EQ(QCoreApplication::translate("cpc::app::MainWindow", "%Ln candle(s)", nullptr, 1), "1 candle");
    EXPECT_EQ(QCoreApplication::translate("cpc::app::MainWindow", "%Ln candle(s)", nullptr, 1000), "1,000 candles");
}

TEST_F(Language, AnUnknownLanguageIsRefused) {
    EXPECT_EQ(applyLanguage("fr"), "unknown language \"fr\"");
}

TEST_F(Language, SettingsSavesTheChosenLanguageOrTheSystemsForTheNextStart) {
    QTemporaryDir dir;
    AppSettings settings(dir.filePath("s.ini"));
    EXPECT_EQ(settings.language(), "");  // nothing chosen: the system's
    {
        SettingsDialog dialog(settings);
        auto* language = dialog.findChild<QComboBox*>("language");
        ASSERT_NE(language, nullptr);
        EXPECT_EQ(language->count(), 3);  // System (…), English, Português (Brasil)
        EXPECT_EQ(language->currentData().toString(), "");
        EXPECT_TRUE(language->itemText(0).contains(languageDisplayName(systemLanguage())));
        language->setCurrentIndex(language->findData("pt_BR"));
        ASSERT_TRUE(dialog.apply()) << dialog.errorText().toStdString();
    }
    EXPECT_EQ(settings.language(), "pt_BR");
    {
        SettingsDialog again(settings);
        auto* language = again.findChild<QComboBox*>("language");
        EXPECT_EQ(language->currentText(), "Português (Brasil)");
        language->setCurrentIndex(0);
        ASSERT_TRUE(again.apply());
    }
    EXPECT_EQ(settings.language(), "");
}
