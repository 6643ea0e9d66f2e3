#include "cpc/app/language.hpp"

#include <QCoreApplication>
#include <QDir>
#include <QLibraryInfo>
#include <QTranslator>

namespace cpc::app {

namespace {

QString g_current = QStringLiteral("en");

// Where an installed translation lives, relative to the installed program (bin/ → share/…).
QString installedTranslationsDir() {
    return QDir(QCoreApplication::applicationDirPath()).absoluteFilePath(QStringLiteral("../share/canvasprochart/translations"));
}

}  // namespace

QStringList interfaceLanguages() { return {QStringLiteral("en"), QStringLiteral("pt_BR")}; }

std::optional<QString> parseLanguage(const QString& text) {
    QString wanted = text.trimmed();
    wanted.replace(QLatin1Char('-'), QLatin1Char('_'));
    for (const QString& language : interfaceLanguages())
        if (wanted.compare(language, Qt::CaseInsensitive) == 0) return language;
    return std::nullopt;
}

QString systemLanguage(const QLocale& locale) {
    // uiLanguages() is the user's preference order (LANGUAGE, then LANG); the first one we have wins.
    for (const QString& ui : locale.uiLanguages()) {
        if (ui.startsWith(QLatin1String("pt"), Qt::CaseInsensitive)) return QStringLiteral("pt_BR");
        if (ui.startsWith(QLatin1String("en"), Qt::CaseInsensitive)) return QStringLiteral("en");
    }
    return QStringLiteral("en");
}

QString languageDisplayName(const QString& language) {
    if (language == QLatin1String("pt_BR")) return QStringLiteral("Português (Brasil)");
    return QStringLiteral("English");
}

QString applyLanguage(const QString& language) {
    QCoreApplication* app = QCoreApplication::instance();
    if (!app) return QStringLiteral("no application to translate");
    const auto chosen = parseLanguage(language);
    if (!chosen) return QStringLiteral("unknown language \"%1\"").arg(language);
    for (QTranslator* old : app->findChildren<QTranslator*>(QStringLiteral("cpcTranslator"), Qt::FindDirectChildrenOnly)) {
        QCoreApplication::removeTranslator(old);
        delete old;
    }
    QLocale::setDefault(QLocale(*chosen == QLatin1String("pt_BR") ? QStringLiteral("pt_BR") : QStringLiteral("en_US")));
    g_current = *chosen;

    auto install = [app](const QString& file, const QStringList& dirs) {
        auto* translator = new QTranslator(app);
        translator->setObjectName(QStringLiteral("cpcTranslator"));
        for (const QString& dir : dirs) {
            if (translator->load(file, dir)) {
                QCoreApplication::installTranslator(translator);
                return true;
            }
        }
        delete translator;
        return false;
    };
    // Qt's own texts (standard buttons, file dialogs) when the system has them (qt6-translations-l10n).
    if (*chosen != QLatin1String("en"))
        install(QStringLiteral("qtbase_") + *chosen, {QLibraryInfo::path(QLibraryInfo::TranslationsPath)});
    // English is the source language; its file holds the plural forms ("1 candle", "2 candles").
    if (!install(QStringLiteral("canvasprochart_") + *chosen, {installedTranslationsDir(), QStringLiteral(":/i18n")}))
        return QStringLiteral("the %1 translation (canvasprochart_%1.qm) is missing").arg(*chosen);
    return {};
}

QString currentLanguage() { return g_current; }

}  // namespace cpc::app
