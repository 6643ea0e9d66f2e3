#pragma once
// The interface language: English (the source texts) or Brazilian Portuguese. The translations
// are Qt Linguist files (resources/translations/*.ts), made into .qm at build time, compiled into
// the app and installed in share/canvasprochart/translations; an installed file wins over the
// compiled-in one. The language also picks the QLocale of numbers and dates (pt_BR: decimal comma).
#include <QLocale>
#include <QString>
#include <QStringList>
#include <optional>

namespace cpc::app {

// The languages there is an interface in: "en", "pt_BR".
QStringList interfaceLanguages();

// A language as a user types it ("pt_BR", "pt-br", "EN") → its name in interfaceLanguages();
// nullopt for any other.
std::optional<QString> parseLanguage(const QString& text);

// The language for `locale` (the system's by default): Portuguese → pt_BR, anything else → en.
QString systemLanguage(const QLocale& locale = QLocale::system());

// The language's own name, as a language menu shows it: "English", "Português (Brasil)".
QString languageDisplayName(const QString& language);

// Installs the translators of `language` (one of interfaceLanguages()) on the running
// application, replacing those of an earlier call, and makes its locale the default one.
// Returns an empty string, or why the translation could not be loaded.
QString applyLanguage(const QString& language);

// The language applyLanguage() last installed ("en" before any call).
QString currentLanguage();

}  // namespace cpc::app
