// The committed translations against the sources as they are now (see CMakeLists.txt).
#include <gtest/gtest.h>

#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>
#include <QXmlStreamReader>
#include <map>

namespace {

struct Message {
    QString context;
    QString source;
    QString comment;
    QStringList translations;  // one, or one per plural form
    QString type;              // "", "unfinished", "vanished", "obsolete"
};

std::vector<Message> readTs(const QString& path) {
    std::vector<Message> messages;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) return messages;
    QXmlStreamReader xml(&file);
    QString context;
    Message message;
    while (!xml.atEnd()) {
        xml.readNext();
        if (!xml.isStartElement()) continue;
        const auto name = xml.name();
        if (name == QLatin1String("name")) context = xml.readElementText();
        else if (name == QLatin1String("message")) message = Message{context, {}, {}, {}, {}};
        else if (name == QLatin1String("source")) message.source = xml.readElementText();
        else if (name == QLatin1String("comment")) message.comment = xml.readElementText();
        else if (name == QLatin1String("translation")) {
            message.type = xml.attributes().value(QLatin1String("type")).toString();
            // Either text or <numerusform> children.
            QString text;
            while (!xml.atEnd()) {
                xml.readNext();
                if (xml.isCharacters()) text += xml.text();
                else if (xml.isStartElement() && xml.name() == QLatin1String("numerusform"))
                    message.translations << xml.readElementText();
                else if (xml.isEndElement() && xml.name() == QLatin1String("translation")) break;
            }
            if (message.translations.isEmpty()) message.translations << text;
            messages.push_back(message);
        }
    }
    return messages;
}

QString key(const Message& m) { return m.context + QStringLiteral(" | ") + m.source + QStringLiteral(" | ") + m.comment; }

// The same folders and options as scripts/update-translations.
std::vector<Message> textsInTheSources(const QString& dir) {
    const QString ts = dir + QStringLiteral("/now_pt_BR.ts");
    QProcess lupdate;
    lupdate.setWorkingDirectory(QStringLiteral(CPC_SOURCE_DIR));
    lupdate.start(QStringLiteral(CPC_LUPDATE),
                  {QStringLiteral("-I"), QStringLiteral("include"), QStringLiteral("-no-obsolete"), QStringLiteral("-locations"),
                   QStringLiteral("none"), QStringLiteral("-source-language"), QStringLiteral("en"), QStringLiteral("src/app"),
                   QStringLiteral("src/chart_qt"), QStringLiteral("include/cpc/app"), QStringLiteral("include/cpc/chart_qt"),
                   QStringLiteral("-target-language"), QStringLiteral("pt_BR"), QStringLiteral("-ts"), ts});
    if (!lupdate.waitForFinished(60000) || lupdate.exitCode() != 0) {
        ADD_FAILURE() << "lupdate failed: " << lupdate.readAllStandardError().toStdString();
        return {};
    }
    return readTs(ts);
}

// %1, %L2, %n, %Ln: the arguments a translation must keep.
QSet<QString> placeholders(const QString& text) {
    static const QRegularExpression re(QStringLiteral("%L?(\\d+|n)"));
    QSet<QString> found;
    for (auto it = re.globalMatch(text); it.hasNext();) found.insert(it.next().captured(0));
    return found;
}

}  // namespace

TEST(Translations, EveryTextOfTheGuiHasABrazilianPortugueseTranslation) {
    QTemporaryDir dir;
    const auto now = textsInTheSources(dir.path());
    ASSERT_GT(now.size(), 200u) << "lupdate found too few texts: are the source folders right?";
    std::map<QString, Message> committed;
    for (const Message& m : readTs(QStringLiteral(CPC_TS_DIR "/canvasprochart_pt_BR.ts"))) committed[key(m)] = m;

    QStringList missing;
    QStringList unfinished;
    QStringList badArguments;
    for (const Message& m : now) {
        const auto it = committed.find(key(m));
        if (it == committed.end()) {
            missing << key(m);
            continue;
        }
        const Message& t = it->second;
        const bool empty = std::any_of(t.translations.begin(), t.translations.end(), [](const QString& s) { return s.isEmpty(); });
        if (!t.type.isEmpty() || empty) {
            unfinished << key(m);
            continue;
        }
        for (const QString& translation : t.translations)
            if (placeholders(translation) != placeholders(m.source)) badArguments << key(m) + QStringLiteral(" → ") + translation;
    }
    // Run scripts/update-translations, then translate these in resources/translations/canvasprochart_pt_BR.ts.
    EXPECT_TRUE(missing.isEmpty()) << missing.size() << " text(s) not in canvasprochart_pt_BR.ts (context | source | comment):\n  "
                                   << missing.join(QStringLiteral("\n  ")).toStdString();
    EXPECT_TRUE(unfinished.isEmpty()) << unfinished.size() << " text(s) without a finished translation:\n  "
                                      << unfinished.join(QStringLiteral("\n  ")).toStdString();
    EXPECT_TRUE(badArguments.isEmpty()) << "translations that lose or add a %-argument:\n  "
                                        << badArguments.join(QStringLiteral("\n  ")).toStdString();
}

TEST(Translations, TheEnglishFileGivesThePluralForms) {
    QTemporaryDir dir;
    const auto now = textsInTheSources(dir.path());
    std::map<QString, Message> english;
    for (const Message& m : readTs(QStringLiteral(CPC_TS_DIR "/canvasprochart_en.ts"))) english[key(m)] = m;
    for (const Message& m : now) {
        if (!m.source.contains(QLatin1String("%n")) && !m.source.contains(QLatin1String("%Ln"))) continue;
        const auto it = english.find(key(m));
        ASSERT_NE(it, english.end()) << "no English plural forms for " << key(m).toStdString();
        EXPECT_EQ(it->second.translations.size(), 2) << key(m).toStdString();
        EXPECT_TRUE(it->second.type.isEmpty()) << key(m).toStdString();
    }
}
