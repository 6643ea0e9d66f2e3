#include "cpc/app/core_text.hpp"

#include <QCoreApplication>
#include <QRegularExpression>
#include <vector>

namespace cpc::app {

namespace {

// One phrase: the pattern that finds it in the core's English and the English template it was
// written from, whose %1, %2… are the pattern's groups in order. The template is the source text of
// the translation (context "CoreText"); in English it gives back exactly the text it matched.
struct Phrase {
    const char* pattern;
    const char* source;
};

// Order matters: a longer phrase comes before a shorter one it contains ("reconnecting to" before
// "connecting to", "… timed out after" before the bare "connecting to"). A translated phrase no
// longer matches any English pattern, so each part of a message is translated once.
constexpr Phrase kPhrases[] = {
    // Network (src/net): connecting, TLS, WebSocket, HTTP.
    {R"(reconnecting to (\S+))", QT_TRANSLATE_NOOP("CoreText", "reconnecting to %1")},
    {R"(connecting to (\S+) timed out after (\d+) ms)", QT_TRANSLATE_NOOP("CoreText", "connecting to %1 timed out after %2 ms")},
    {R"(cannot connect to (\S+): )", QT_TRANSLATE_NOOP("CoreText", "cannot connect to %1: ")},
    {R"(connecting to (\S+))", QT_TRANSLATE_NOOP("CoreText", "connecting to %1")},
    {R"(resolving '([^']*)' timed out after (\d+) ms)", QT_TRANSLATE_NOOP("CoreText", "resolving '%1' timed out after %2 ms")},
    {R"(cannot resolve '([^']*)': no addresses)", QT_TRANSLATE_NOOP("CoreText", "cannot resolve '%1': no addresses")},
    {R"(cannot resolve '([^']*)': )", QT_TRANSLATE_NOOP("CoreText", "cannot resolve '%1': ")},
    {R"(TLS handshake with (\S+) timed out after (\d+) ms)", QT_TRANSLATE_NOOP("CoreText", "TLS handshake with %1 timed out after %2 ms")},
    {R"(TLS handshake with (\S+) failed: certificate verify failed: )",
     QT_TRANSLATE_NOOP("CoreText", "TLS handshake with %1 failed: certificate verify failed: ")},
    {R"(TLS handshake with (\S+) failed: )", QT_TRANSLATE_NOOP("CoreText", "TLS handshake with %1 failed: ")},
    {R"(the certificate's issuer is not trusted \(if the server is yours, trust its CA with --ca-file\))",
     QT_TRANSLATE_NOOP("CoreText", "the certificate's issuer is not trusted (if the server is yours, trust its CA with --ca-file)")},
    {R"(the certificate has expired)", QT_TRANSLATE_NOOP("CoreText", "the certificate has expired")},
    {R"(the certificate is not valid yet \(check this computer's clock\))",
     QT_TRANSLATE_NOOP("CoreText", "the certificate is not valid yet (check this computer's clock)")},
    {R"(the certificate is not for (\S+))", QT_TRANSLATE_NOOP("CoreText", "the certificate is not for %1")},
    {R"(the certificate has been revoked)", QT_TRANSLATE_NOOP("CoreText", "the certificate has been revoked")},
    {R"(the certificate was refused)", QT_TRANSLATE_NOOP("CoreText", "the certificate was refused")},
    {R"(\(OpenSSL verify error (-?\d+): )", QT_TRANSLATE_NOOP("CoreText", "(OpenSSL verify error %1: ")},
    {R"(TLS stream truncated \(peer closed without close_notify\))",
     QT_TRANSLATE_NOOP("CoreText", "TLS stream truncated (peer closed without close_notify)")},
    {R"(WebSocket upgrade to (\S+) declined: HTTP (\d+))", QT_TRANSLATE_NOOP("CoreText", "WebSocket upgrade to %1 declined: HTTP %2")},
    {R"(WebSocket handshake with (\S+) timed out)", QT_TRANSLATE_NOOP("CoreText", "WebSocket handshake with %1 timed out")},
    {R"(WebSocket handshake with (\S+) failed: )", QT_TRANSLATE_NOOP("CoreText", "WebSocket handshake with %1 failed: ")},
    {R"(WebSocket closed by (\S+) \(code (\d+))", QT_TRANSLATE_NOOP("CoreText", "WebSocket closed by %1 (code %2")},
    {R"(WebSocket to (\S+) closed by us)", QT_TRANSLATE_NOOP("CoreText", "WebSocket to %1 closed by us")},
    {R"(WebSocket read from (\S+) failed: )", QT_TRANSLATE_NOOP("CoreText", "WebSocket read from %1 failed: ")},
    {R"(WebSocket send to (\S+) failed: )", QT_TRANSLATE_NOOP("CoreText", "WebSocket send to %1 failed: ")},
    {R"((GET|POST|PUT|DELETE) (\S+) timed out after (\d+) ms)", QT_TRANSLATE_NOOP("CoreText", "%1 %2 timed out after %3 ms")},
    {R"((GET|POST|PUT|DELETE) (\S+) failed: the server closed the connection twice before answering)",
     QT_TRANSLATE_NOOP("CoreText", "%1 %2 failed: the server closed the connection twice before answering")},
    {R"((GET|POST|PUT|DELETE) (\S+) failed: )", QT_TRANSLATE_NOOP("CoreText", "%1 %2 failed: ")},
    // Operating-system and Boost texts that reach the user through the phrases above.
    {R"(Connection refused)", QT_TRANSLATE_NOOP("CoreText", "Connection refused")},
    {R"(Connection reset by peer)", QT_TRANSLATE_NOOP("CoreText", "Connection reset by peer")},
    {R"(Connection timed out)", QT_TRANSLATE_NOOP("CoreText", "Connection timed out")},
    {R"(Network is unreachable)", QT_TRANSLATE_NOOP("CoreText", "Network is unreachable")},
    {R"(No route to host)", QT_TRANSLATE_NOOP("CoreText", "No route to host")},
    {R"(Host not found \(authoritative\))", QT_TRANSLATE_NOOP("CoreText", "Host not found (authoritative)")},
    {R"(Host not found \(non-authoritative\), try again later)",
     QT_TRANSLATE_NOOP("CoreText", "Host not found (non-authoritative), try again later")},
    {R"(Broken pipe)", QT_TRANSLATE_NOOP("CoreText", "Broken pipe")},
    {R"(End of file)", QT_TRANSLATE_NOOP("CoreText", "End of file")},
    {R"(Operation canceled)", QT_TRANSLATE_NOOP("CoreText", "Operation canceled")},
    {R"(The socket was closed due to a timeout)", QT_TRANSLATE_NOOP("CoreText", "The socket was closed due to a timeout")},
    // Pacing (src/net/rest_gate, src/session/venue_rest).
    {R"(the exchange banned this IP for too many requests \(HTTP (\d+)\) until (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) UTC; no request is sent before then)",
     QT_TRANSLATE_NOOP("CoreText", "the exchange banned this IP for too many requests (HTTP %1) until %2 UTC; no request is sent before then")},
    {R"(still rate limited \(HTTP 429\) after (\d+) attempts)", QT_TRANSLATE_NOOP("CoreText", "still rate limited (HTTP 429) after %1 attempts")},
    // The stream session's states (src/session/stream_session).
    {R"(waiting for the connection budget \((\d+) attempts per (\d+) s\))",
     QT_TRANSLATE_NOOP("CoreText", "waiting for the connection budget (%1 attempts per %2 s)")},
    {R"(no data for (\d+) ms)", QT_TRANSLATE_NOOP("CoreText", "no data for %1 ms")},
    {R"(live \(rotated to a new connection\))", QT_TRANSLATE_NOOP("CoreText", "live (rotated to a new connection)")},
    {R"(; restarting in (\d+) ms)", QT_TRANSLATE_NOOP("CoreText", "; restarting in %1 ms")},
    {R"(internal error: )", QT_TRANSLATE_NOOP("CoreText", "internal error: ")},
    {R"(the new connection closed: )", QT_TRANSLATE_NOOP("CoreText", "the new connection closed: ")},
    {R"(malformed frame: )", QT_TRANSLATE_NOOP("CoreText", "malformed frame: ")},
    {R"(depth snapshot: )", QT_TRANSLATE_NOOP("CoreText", "depth snapshot: ")},
    {R"(server time: )", QT_TRANSLATE_NOOP("CoreText", "server time: ")},
    {R"(stream URL: )", QT_TRANSLATE_NOOP("CoreText", "stream URL: ")},
    {R"(control message: )", QT_TRANSLATE_NOOP("CoreText", "control message: ")},
    {R"(connection (\d+): )", QT_TRANSLATE_NOOP("CoreText", "connection %1: ")},
    // History and symbols (src/session/market_feed, the adapters).
    {R"(older history of (\S+) (\S+))", QT_TRANSLATE_NOOP("CoreText", "older history of %1 %2")},
    {R"(history of (\S+) (\S+) from (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d))", QT_TRANSLATE_NOOP("CoreText", "history of %1 %2 from %3")},
    {R"(history: )", QT_TRANSLATE_NOOP("CoreText", "history: ")},
    {R"(the venue answered with (\d+) rows outside (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) \.\. (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d))",
     QT_TRANSLATE_NOOP("CoreText", "the venue answered with %1 rows outside %2 .. %3")},
    {R"(could not load the symbol list from (\S+))", QT_TRANSLATE_NOOP("CoreText", "could not load the symbol list from %1")},
    {R"((\S+) has no (\S+) candles and none that build them; it serves )",
     QT_TRANSLATE_NOOP("CoreText", "%1 has no %2 candles and none that build them; it serves ")},
    {R"('([^']*)' is not a (\S+) symbol: )", QT_TRANSLATE_NOOP("CoreText", "'%1' is not a %2 symbol: ")},
    {R"(it is empty)", QT_TRANSLATE_NOOP("CoreText", "it is empty")},
    {R"(it is longer than (\d+) characters)", QT_TRANSLATE_NOOP("CoreText", "it is longer than %1 characters")},
    {R"(it contains '(.)')", QT_TRANSLATE_NOOP("CoreText", "it contains '%1'")},
    {R"(it contains the byte (0x[0-9A-F]{2}) \(a space\))", QT_TRANSLATE_NOOP("CoreText", "it contains the byte %1 (a space)")},
    {R"(it contains the byte (0x[0-9A-F]{2}) \(a line break\))", QT_TRANSLATE_NOOP("CoreText", "it contains the byte %1 (a line break)")},
    {R"(it contains the byte (0x[0-9A-F]{2}))", QT_TRANSLATE_NOOP("CoreText", "it contains the byte %1")},
    {R"(; accepted: 1 to (\d+) of ASCII letters, digits)", QT_TRANSLATE_NOOP("CoreText", "; accepted: 1 to %1 of ASCII letters, digits")},
    {R"( \(e\.g\. (\S+)\)$)", QT_TRANSLATE_NOOP("CoreText", " (e.g. %1)")},
    // Bar Replay's start (app::BarReplay).
    {R"(the chart has no candles yet)", QT_TRANSLATE_NOOP("CoreText", "the chart has no candles yet")},
    {R"(the chart's first candle opens at (\S+ \S+) UTC: choose a later time \(or scroll back to load older candles\))",
     QT_TRANSLATE_NOOP("CoreText", "the chart's first candle opens at %1 UTC: choose a later time (or scroll back to load older candles)")},
    {R"(that is the newest candle \((\S+ \S+) UTC\): nothing after it to replay; choose an earlier time)",
     QT_TRANSLATE_NOOP("CoreText", "that is the newest candle (%1 UTC): nothing after it to replay; choose an earlier time")},
    {R"(no chart to replay)", QT_TRANSLATE_NOOP("CoreText", "no chart to replay")},
};

struct CompiledPhrase {
    QRegularExpression re;
    const char* source;
};

const std::vector<CompiledPhrase>& compiled() {
    static const std::vector<CompiledPhrase> table = [] {
        std::vector<CompiledPhrase> out;
        for (const Phrase& p : kPhrases) out.push_back({QRegularExpression(QString::fromUtf8(p.pattern)), p.source});
        return out;
    }();
    return table;
}

}  // namespace

QString coreText(const QString& english) {
    QString text = english;
    for (const CompiledPhrase& phrase : compiled()) {
        if (!text.contains(phrase.re)) continue;
        const QString translated = QCoreApplication::translate("CoreText", phrase.source);
        QString out;
        qsizetype at = 0;
        for (auto it = phrase.re.globalMatch(text); it.hasNext();) {
            const QRegularExpressionMatch m = it.next();
            out += QStringView(text).mid(at, m.capturedStart() - at);
            // %1…%9 of the translation take the groups; a group's own text is never read as a marker.
            for (qsizetype i = 0; i < translated.size(); ++i) {
                const QChar c = translated[i];
                if (c == QLatin1Char('%') && i + 1 < translated.size() && translated[i + 1] >= QLatin1Char('1') &&
                    translated[i + 1] <= QLatin1Char('9')) {
                    out += m.captured(translated[i + 1].digitValue());
                    ++i;
                } else {
                    out += c;
                }
            }
            at = m.capturedEnd();
        }
        out += QStringView(text).mid(at);
        text = std::move(out);
    }
    return text;
}

QString coreText(std::string_view english) {
    return coreText(QString::fromUtf8(english.data(), static_cast<qsizetype>(english.size())));
}

int coreTextPhraseCount() { return static_cast<int>(std::size(kPhrases)); }

QString coreTextPhraseSource(int index) {
    if (index < 0 || index >= coreTextPhraseCount()) return {};
    return QString::fromUtf8(kPhrases[index].source);
}

}  // namespace cpc::app
