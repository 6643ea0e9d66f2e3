<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name>cpc::app::AlertsDialog</name>
    <message numerus="yes">
        <source>%n time(s), last %1</source>
        <translation>
            <numerusform>%n time, last %1</numerusform>
            <numerusform>%n times, last %1</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>cpc::app::MainWindow</name>
    <message numerus="yes">
        <source>%Ln candle(s)</source>
        <translation>
            <numerusform>%Ln candle</numerusform>
            <numerusform>%Ln candles</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>cpc::app::WatchlistDock</name>
    <message numerus="yes">
        <source>Imported %n symbol(s)</source>
        <translation>
            <numerusform>Imported %n symbol</numerusform>
            <numerusform>Imported %n symbols</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n line(s) skipped:</source>
        <translation>
            <numerusform>%n line skipped:</numerusform>
            <numerusform>%n lines skipped:</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Exported %n symbol(s) to %1</source>
        <translation>
            <numerusform>Exported %n symbol to %1</numerusform>
            <numerusform>Exported %n symbols to %1</numerusform>
        </translation>
    </message>
</context>
</TS>
