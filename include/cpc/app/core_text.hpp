#pragma once
// The Qt-free core writes its messages in English: `cpc` prints them as they are, and logs keep them
// greppable. The GUI shows them in the interface language: coreText() finds each phrase the core is
// known to write (the network's, the session's, the venues' and the certificate checks') and puts
// its translation in place, keeping what it carries (a host, a number, a time). What no phrase
// matches (a venue's own error text, an operating-system message that is not in the table) stays as
// it came, so nothing a user needs is ever dropped.
#include <QString>
#include <string_view>

namespace cpc::app {

QString coreText(std::string_view english);
QString coreText(const QString& english);
inline QString coreText(const char* english) { return coreText(std::string_view(english)); }

// The number of phrases the table knows (for tests that walk them).
int coreTextPhraseCount();
// The English source template of phrase `index` ("cannot connect to %1: "), for tests.
QString coreTextPhraseSource(int index);

}  // namespace cpc::app
