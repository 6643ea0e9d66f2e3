<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="pt_BR" sourcelanguage="en">
<context>
    <name>AlertService</name>
    <message>
        <source>the replay&apos;s alerts could not start over: %1</source>
        <translation>os alertas do replay não puderam recomeçar: %1</translation>
    </message>
</context>
<context>
    <name>ChartText</name>
    <message>
        <source>Jan</source>
        <translation>jan</translation>
    </message>
    <message>
        <source>Feb</source>
        <translation>fev</translation>
    </message>
    <message>
        <source>Mar</source>
        <translation>mar</translation>
    </message>
    <message>
        <source>Apr</source>
        <translation>abr</translation>
    </message>
    <message>
        <source>May</source>
        <translation>mai</translation>
    </message>
    <message>
        <source>Jun</source>
        <translation>jun</translation>
    </message>
    <message>
        <source>Jul</source>
        <translation>jul</translation>
    </message>
    <message>
        <source>Aug</source>
        <translation>ago</translation>
    </message>
    <message>
        <source>Sep</source>
        <translation>set</translation>
    </message>
    <message>
        <source>Oct</source>
        <translation>out</translation>
    </message>
    <message>
        <source>Nov</source>
        <translation>nov</translation>
    </message>
    <message>
        <source>Dec</source>
        <translation>dez</translation>
    </message>
    <message>
        <source>Sun</source>
        <translation>dom</translation>
    </message>
    <message>
        <source>Mon</source>
        <translation>seg</translation>
    </message>
    <message>
        <source>Tue</source>
        <translation>ter</translation>
    </message>
    <message>
        <source>Wed</source>
        <translation>qua</translation>
    </message>
    <message>
        <source>Thu</source>
        <translation>qui</translation>
    </message>
    <message>
        <source>Fri</source>
        <translation>sex</translation>
    </message>
    <message>
        <source>Sat</source>
        <translation>sáb</translation>
    </message>
    <message>
        <source>O</source>
        <comment>legend: open price</comment>
        <translation>A</translation>
    </message>
    <message>
        <source>H</source>
        <comment>legend: high price</comment>
        <translation>Máx</translation>
    </message>
    <message>
        <source>L</source>
        <comment>legend: low price</comment>
        <translation>Mín</translation>
    </message>
    <message>
        <source>C</source>
        <comment>legend: close price</comment>
        <translation>F</translation>
    </message>
    <message>
        <source>Vol</source>
        <comment>legend: volume</comment>
        <translation>Vol</translation>
    </message>
    <message>
        <source>n/a</source>
        <comment>legend: an indicator value not computed yet</comment>
        <translation>n/d</translation>
    </message>
    <message>
        <source>bars</source>
        <comment>a measure: &quot;15 bars, 15m&quot;</comment>
        <translation>barras</translation>
    </message>
    <message>
        <source>Target</source>
        <comment>a position&apos;s take-profit price</comment>
        <translation>Alvo</translation>
    </message>
    <message>
        <source>Stop</source>
        <comment>a position&apos;s stop-loss price</comment>
        <translation>Stop</translation>
    </message>
    <message>
        <source>Risk/reward</source>
        <comment>a position&apos;s reward divided by its risk</comment>
        <translation>Risco/retorno</translation>
    </message>
</context>
<context>
    <name>CommandLine</name>
    <message>
        <source>Live candlestick charts from Binance, Bybit, OKX and KuCoin.</source>
        <translation>Gráficos de velas ao vivo da Binance, Bybit, OKX e KuCoin.</translation>
    </message>
    <message>
        <source>Run offline against the built-in exchange simulator.</source>
        <translation>Roda offline com o simulador de corretora embutido.</translation>
    </message>
    <message>
        <source>Exchange to show: %1 (default: the last one chosen, else binance). With --demo the simulator speaks its API.</source>
        <translation>Corretora a mostrar: %1 (padrão: a última escolhida, senão binance). Com --demo o simulador fala a API dela.</translation>
    </message>
    <message>
        <source>Symbol to open, e.g. BTCUSDT (BTC-USDT on OKX and KuCoin; either spelling is accepted).</source>
        <translation>Símbolo a abrir, ex.: BTCUSDT (BTC-USDT na OKX e na KuCoin; as duas grafias são aceitas).</translation>
    </message>
    <message>
        <source>Interval to open: 1s 1m 3m 5m 15m 30m 1h 2h 4h 6h 8h 12h 1d 3d 1w 1M.</source>
        <translation>Intervalo a abrir: 1s 1m 3m 5m 15m 30m 1h 2h 4h 6h 8h 12h 1d 3d 1w 1M.</translation>
    </message>
    <message>
        <source>Charts in the window: %1 (2h side by side, 2v stacked, 3 one left and two right, 4 = 2 x 2, 6 = 3 x 2, 8 = 4 x 2). Default: the layouts saved at the last exit.</source>
        <translation>Gráficos na janela: %1 (2h lado a lado, 2v empilhados, 3 um à esquerda e dois à direita, 4 = 2 x 2, 6 = 3 x 2, 8 = 4 x 2). Padrão: os layouts salvos na última saída.</translation>
    </message>
    <message>
        <source>Symbols of the layout&apos;s charts, in order, comma-separated; EXCHANGE:SYMBOL opens one on another venue (bybit:ETHUSDT). Charts beyond the list open the first. Without --layout: the smallest layout holding them.</source>
        <translation>Símbolos dos gráficos do layout, em ordem, separados por vírgula; CORRETORA:SÍMBOLO abre um em outra corretora (bybit:ETHUSDT). Gráficos além da lista abrem o primeiro. Sem --layout: o menor layout que os comporta.</translation>
    </message>
    <message>
        <source>Write the whole window (every chart of the layout) as a PNG before exiting (with --exit-after).</source>
        <translation>Grava a janela inteira (todos os gráficos do layout) como PNG antes de sair (com --exit-after).</translation>
    </message>
    <message>
        <source>Quit after this many seconds.</source>
        <translation>Sai depois de tantos segundos.</translation>
    </message>
    <message>
        <source>SQLite candle cache to use (default: per-user data dir).</source>
        <translation>Cache SQLite de velas a usar (padrão: a pasta de dados do usuário).</translation>
    </message>
    <message>
        <source>REST base URL (default: the exchange&apos;s endpoints from Settings, e.g. https://api.binance.com).</source>
        <translation>URL base REST (padrão: os endereços da corretora nas Configurações, ex.: https://api.binance.com).</translation>
    </message>
    <message>
        <source>Stream base URL (default: the exchange&apos;s endpoints from Settings, e.g. wss://stream.binance.com:9443).</source>
        <translation>URL base dos streams (padrão: os endereços da corretora nas Configurações, ex.: wss://stream.binance.com:9443).</translation>
    </message>
    <message>
        <source>Extra PEM CA certificates to trust besides the system store.</source>
        <translation>Certificados de CA PEM extras em que confiar além dos do sistema.</translation>
    </message>
    <message>
        <source>Settings INI file to use.</source>
        <translation>Arquivo INI de configurações a usar.</translation>
    </message>
    <message>
        <source>Chart type: %1.</source>
        <translation>Tipo de gráfico: %1.</translation>
    </message>
    <message>
        <source>Colour theme: dark or light.</source>
        <translation>Tema de cores: dark (escuro) ou light (claro).</translation>
    </message>
    <message>
        <source>Time axis zone: UTC, local or an IANA name (Europe/Berlin).</source>
        <translation>Fuso do eixo de tempo: UTC, local ou um nome IANA (America/Sao_Paulo).</translation>
    </message>
    <message>
        <source>Show the order-book heatmap under the candles (View &gt; Heatmap), with the big trades.</source>
        <translation>Mostra o mapa de calor do livro de ofertas sob as velas (Exibir &gt; Mapa de calor), com os grandes negócios.</translation>
    </message>
    <message>
        <source>Open the realtime test window (live trades, order book, ticker, stream selector, feed health) instead of the chart window; --screenshot then shows it.</source>
        <translation>Abre a janela de teste em tempo real (negócios ao vivo, livro de ofertas, ticker, seletor de streams, saúde do feed) em vez da janela do gráfico; --screenshot então mostra essa janela.</translation>
    </message>
    <message>
        <source>With --demo: simulated live trades per second and symbol, 0..20000 (the realtime window: default 1000; the chart: 20).</source>
        <translation>Com --demo: negócios simulados por segundo e símbolo, 0..20000 (janela em tempo real: padrão 1000; gráfico: 20).</translation>
    </message>
    <message>
        <source>Interface language: %1 (default: the one chosen in Settings, else the system&apos;s).</source>
        <translation>Idioma da interface: %1 (padrão: o escolhido nas Configurações, senão o do sistema).</translation>
    </message>
    <message>
        <source>Import FILE (one EXCHANGE:SYMBOL a line) into the watchlist as a list named after the file, and show it.</source>
        <translation>Importa FILE (um CORRETORA:SÍMBOLO por linha) para a lista de observação como uma lista com o nome do arquivo, e a exibe.</translation>
    </message>
    <message>
        <source>Benchmarks: with --exit-after, print the GUI&apos;s frame times (p50, p99, max) and chart paints counted after the first SECONDS.</source>
        <translation>Benchmarks: com --exit-after, imprime os tempos de quadro da interface (p50, p99, máx.) e as pinturas dos gráficos contadas após os primeiros SECONDS.</translation>
    </message>
    <message>
        <source>Market to show: spot or perp (the exchange&apos;s perpetual futures: mark price, funding, open interest, liquidations). Default: the last one chosen, else spot. With --demo the simulator serves Binance USD-M, Bybit linear and OKX swap perpetuals.</source>
        <translation>Mercado a exibir: spot ou perp (os futuros perpétuos da corretora: preço de marcação, funding, contratos em aberto, liquidações). Padrão: o último escolhido, senão spot. Com --demo o simulador serve os perpétuos USD-M da Binance, lineares da Bybit e swaps da OKX.</translation>
    </message>
    <message>
        <source>Replay the recording in DIR (made by cpc record or File &gt; Record) instead of connecting to the venues: its symbols and streams, through the same path as live data; history from the candle cache.</source>
        <translation>Reproduzir a gravação em DIR (feita por cpc record ou Arquivo &gt; Gravar) em vez de conectar às corretoras: seus símbolos e streams, pelo mesmo caminho dos dados ao vivo; o histórico vem do cache de candles.</translation>
    </message>
    <message>
        <source>With --replay: 1 to 1000 times the recorded pace, or max (default 1).</source>
        <translation>Com --replay: 1 a 1000 vezes o ritmo gravado, ou max (padrão 1).</translation>
    </message>
    <message>
        <source>Start Bar Replay on the chart at TIME (UTC, e.g. &quot;2024-01-15 13:05&quot;, or back from now: -6h, -2d) once its candles are loaded.</source>
        <translation>Inicia o replay de barras no gráfico em TIME (UTC, p. ex. &quot;2024-01-15 13:05&quot;, ou antes de agora: -6h, -2d) assim que seus candles forem carregados.</translation>
    </message>
    <message>
        <source>Benchmarks: with --exit-after, keep scrolling the chart back, as a trader dragging it, until its first candle is at TIME (UTC, e.g. &quot;2025-12-06&quot;, or -365d); print how long it took and quit.</source>
        <translation>Benchmarks: com --exit-after, rola o gráfico para trás sem parar, como um trader que o arrasta, até que o primeiro candle esteja em TIME (UTC, p. ex. &quot;2025-12-06&quot;, ou -365d); imprime quanto tempo levou e sai.</translation>
    </message>
    <message>
        <source>Benchmarks: with --exit-after, print how long the start took to the first painted chart, then choose each of SYMBOLS (comma-separated; &quot;&quot; for none) on the active chart and print how long each took to its first paint; then quit.</source>
        <translation>Benchmarks: com --exit-after, mostra quanto a abertura levou até o primeiro gráfico pintado, depois escolhe cada um de SYMBOLS (separados por vírgula; &quot;&quot; para nenhum) no gráfico ativo e mostra quanto cada um levou até sua primeira pintura; depois sai.</translation>
    </message>
</context>
<context>
    <name>CoreText</name>
    <message>
        <source>reconnecting to %1</source>
        <translation>reconectando a %1</translation>
    </message>
    <message>
        <source>connecting to %1 timed out after %2 ms</source>
        <translation>tempo esgotado ao conectar a %1 (%2 ms)</translation>
    </message>
    <message>
        <source>cannot connect to %1: </source>
        <translation>não foi possível conectar a %1: </translation>
    </message>
    <message>
        <source>connecting to %1</source>
        <translation>conectando a %1</translation>
    </message>
    <message>
        <source>resolving &apos;%1&apos; timed out after %2 ms</source>
        <translation>tempo esgotado ao resolver &apos;%1&apos; (%2 ms)</translation>
    </message>
    <message>
        <source>cannot resolve &apos;%1&apos;: no addresses</source>
        <translation>não foi possível resolver &apos;%1&apos;: nenhum endereço</translation>
    </message>
    <message>
        <source>cannot resolve &apos;%1&apos;: </source>
        <translation>não foi possível resolver &apos;%1&apos;: </translation>
    </message>
    <message>
        <source>TLS handshake with %1 timed out after %2 ms</source>
        <translation>tempo esgotado no handshake TLS com %1 (%2 ms)</translation>
    </message>
    <message>
        <source>TLS handshake with %1 failed: certificate verify failed: </source>
        <translation>o handshake TLS com %1 falhou: certificado recusado: </translation>
    </message>
    <message>
        <source>TLS handshake with %1 failed: </source>
        <translation>o handshake TLS com %1 falhou: </translation>
    </message>
    <message>
        <source>the certificate&apos;s issuer is not trusted (if the server is yours, trust its CA with --ca-file)</source>
        <translation>o emissor do certificado não é confiável (se o servidor for seu, confie na CA dele com --ca-file)</translation>
    </message>
    <message>
        <source>the certificate has expired</source>
        <translation>o certificado expirou</translation>
    </message>
    <message>
        <source>the certificate is not valid yet (check this computer&apos;s clock)</source>
        <translation>o certificado ainda não é válido (confira o relógio deste computador)</translation>
    </message>
    <message>
        <source>the certificate is not for %1</source>
        <translation>o certificado não é de %1</translation>
    </message>
    <message>
        <source>the certificate has been revoked</source>
        <translation>o certificado foi revogado</translation>
    </message>
    <message>
        <source>the certificate was refused</source>
        <translation>o certificado foi recusado</translation>
    </message>
    <message>
        <source>(OpenSSL verify error %1: </source>
        <translation>(erro de verificação do OpenSSL %1: </translation>
    </message>
    <message>
        <source>TLS stream truncated (peer closed without close_notify)</source>
        <translation>fluxo TLS truncado (o outro lado fechou sem close_notify)</translation>
    </message>
    <message>
        <source>WebSocket upgrade to %1 declined: HTTP %2</source>
        <translation>o servidor recusou o WebSocket em %1: HTTP %2</translation>
    </message>
    <message>
        <source>WebSocket handshake with %1 timed out</source>
        <translation>tempo esgotado no handshake WebSocket com %1</translation>
    </message>
    <message>
        <source>WebSocket handshake with %1 failed: </source>
        <translation>o handshake WebSocket com %1 falhou: </translation>
    </message>
    <message>
        <source>WebSocket closed by %1 (code %2</source>
        <translation>WebSocket fechado por %1 (código %2</translation>
    </message>
    <message>
        <source>WebSocket to %1 closed by us</source>
        <translation>WebSocket com %1 fechado por nós</translation>
    </message>
    <message>
        <source>WebSocket read from %1 failed: </source>
        <translation>a leitura do WebSocket de %1 falhou: </translation>
    </message>
    <message>
        <source>WebSocket send to %1 failed: </source>
        <translation>o envio pelo WebSocket para %1 falhou: </translation>
    </message>
    <message>
        <source>%1 %2 timed out after %3 ms</source>
        <translation>%1 %2: tempo esgotado após %3 ms</translation>
    </message>
    <message>
        <source>%1 %2 failed: the server closed the connection twice before answering</source>
        <translation>%1 %2 falhou: o servidor fechou a conexão duas vezes antes de responder</translation>
    </message>
    <message>
        <source>%1 %2 failed: </source>
        <translation>%1 %2 falhou: </translation>
    </message>
    <message>
        <source>Connection refused</source>
        <translation>conexão recusada</translation>
    </message>
    <message>
        <source>Connection reset by peer</source>
        <translation>conexão reiniciada pelo outro lado</translation>
    </message>
    <message>
        <source>Connection timed out</source>
        <translation>tempo de conexão esgotado</translation>
    </message>
    <message>
        <source>Network is unreachable</source>
        <translation>rede inacessível</translation>
    </message>
    <message>
        <source>No route to host</source>
        <translation>sem rota para o host</translation>
    </message>
    <message>
        <source>Host not found (authoritative)</source>
        <translation>host não encontrado</translation>
    </message>
    <message>
        <source>Host not found (non-authoritative), try again later</source>
        <translation>host não encontrado (resposta não definitiva); tente de novo mais tarde</translation>
    </message>
    <message>
        <source>Broken pipe</source>
        <translation>conexão interrompida (broken pipe)</translation>
    </message>
    <message>
        <source>End of file</source>
        <translation>fim dos dados (a conexão foi fechada)</translation>
    </message>
    <message>
        <source>Operation canceled</source>
        <translation>operação cancelada</translation>
    </message>
    <message>
        <source>The socket was closed due to a timeout</source>
        <translation>o socket foi fechado por tempo esgotado</translation>
    </message>
    <message>
        <source>the exchange banned this IP for too many requests (HTTP %1) until %2 UTC; no request is sent before then</source>
        <translation>a corretora bloqueou este IP por excesso de requisições (HTTP %1) até %2 UTC; nenhuma requisição é enviada antes disso</translation>
    </message>
    <message>
        <source>still rate limited (HTTP 429) after %1 attempts</source>
        <translation>ainda limitado por excesso de requisições (HTTP 429) após %1 tentativas</translation>
    </message>
    <message>
        <source>waiting for the connection budget (%1 attempts per %2 s)</source>
        <translation>aguardando o limite de conexões (%1 tentativas a cada %2 s)</translation>
    </message>
    <message>
        <source>no data for %1 ms</source>
        <translation>sem dados há %1 ms</translation>
    </message>
    <message>
        <source>live (rotated to a new connection)</source>
        <translation>ao vivo (trocado para uma nova conexão)</translation>
    </message>
    <message>
        <source>; restarting in %1 ms</source>
        <translation>; reiniciando em %1 ms</translation>
    </message>
    <message>
        <source>internal error: </source>
        <translation>erro interno: </translation>
    </message>
    <message>
        <source>the new connection closed: </source>
        <translation>a nova conexão foi fechada: </translation>
    </message>
    <message>
        <source>malformed frame: </source>
        <translation>mensagem malformada: </translation>
    </message>
    <message>
        <source>depth snapshot: </source>
        <translation>snapshot do livro de ofertas: </translation>
    </message>
    <message>
        <source>server time: </source>
        <translation>hora do servidor: </translation>
    </message>
    <message>
        <source>stream URL: </source>
        <translation>URL do stream: </translation>
    </message>
    <message>
        <source>control message: </source>
        <translation>mensagem de controle: </translation>
    </message>
    <message>
        <source>connection %1: </source>
        <translation>conexão %1: </translation>
    </message>
    <message>
        <source>older history of %1 %2</source>
        <translation>histórico anterior de %1 %2</translation>
    </message>
    <message>
        <source>history of %1 %2 from %3</source>
        <translation>histórico de %1 %2 desde %3</translation>
    </message>
    <message>
        <source>history: </source>
        <translation>histórico: </translation>
    </message>
    <message>
        <source>the venue answered with %1 rows outside %2 .. %3</source>
        <translation>a corretora respondeu com %1 linhas fora de %2 .. %3</translation>
    </message>
    <message>
        <source>could not load the symbol list from %1</source>
        <translation>não foi possível carregar a lista de símbolos de %1</translation>
    </message>
    <message>
        <source>%1 has no %2 candles and none that build them; it serves </source>
        <translation>%1 não tem velas de %2 nem velas que as formem; oferece </translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a %2 symbol: </source>
        <translation>&apos;%1&apos; não é um símbolo da %2: </translation>
    </message>
    <message>
        <source>it is empty</source>
        <translation>está vazio</translation>
    </message>
    <message>
        <source>it is longer than %1 characters</source>
        <translation>tem mais de %1 caracteres</translation>
    </message>
    <message>
        <source>it contains &apos;%1&apos;</source>
        <translation>contém &apos;%1&apos;</translation>
    </message>
    <message>
        <source>it contains the byte %1 (a space)</source>
        <translation>contém o byte %1 (um espaço)</translation>
    </message>
    <message>
        <source>it contains the byte %1 (a line break)</source>
        <translation>contém o byte %1 (uma quebra de linha)</translation>
    </message>
    <message>
        <source>it contains the byte %1</source>
        <translation>contém o byte %1</translation>
    </message>
    <message>
        <source>; accepted: 1 to %1 of ASCII letters, digits</source>
        <translation>; aceito: de 1 a %1 letras ASCII, dígitos</translation>
    </message>
    <message>
        <source> (e.g. %1)</source>
        <translation> (ex.: %1)</translation>
    </message>
    <message>
        <source>the chart has no candles yet</source>
        <translation>o gráfico ainda não tem candles</translation>
    </message>
    <message>
        <source>the chart&apos;s first candle opens at %1 UTC: choose a later time (or scroll back to load older candles)</source>
        <translation>o primeiro candle do gráfico abre às %1 UTC: escolha um horário posterior (ou role para trás para carregar candles mais antigos)</translation>
    </message>
    <message>
        <source>that is the newest candle (%1 UTC): nothing after it to replay; choose an earlier time</source>
        <translation>este é o candle mais recente (%1 UTC): não há nada depois dele para reproduzir; escolha um horário anterior</translation>
    </message>
    <message>
        <source>no chart to replay</source>
        <translation>nenhum gráfico para reproduzir</translation>
    </message>
</context>
<context>
    <name>FeedState</name>
    <message>
        <source>idle</source>
        <translation>parado</translation>
    </message>
    <message>
        <source>connecting</source>
        <translation>conectando</translation>
    </message>
    <message>
        <source>live</source>
        <translation>ao vivo</translation>
    </message>
    <message>
        <source>stale</source>
        <translation>desatualizado</translation>
    </message>
    <message>
        <source>reconnecting</source>
        <translation>reconectando</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>falhou</translation>
    </message>
</context>
<context>
    <name>IndicatorGroup</name>
    <message>
        <source>Overlap Studies</source>
        <translation>Sobrepostos ao preço</translation>
    </message>
    <message>
        <source>Momentum Indicators</source>
        <translation>Indicadores de momento</translation>
    </message>
    <message>
        <source>Volume Indicators</source>
        <translation>Indicadores de volume</translation>
    </message>
    <message>
        <source>Volatility Indicators</source>
        <translation>Indicadores de volatilidade</translation>
    </message>
    <message>
        <source>Price Transform</source>
        <translation>Transformações de preço</translation>
    </message>
    <message>
        <source>Statistic Functions</source>
        <translation>Funções estatísticas</translation>
    </message>
    <message>
        <source>Math Operators</source>
        <translation>Operadores matemáticos</translation>
    </message>
    <message>
        <source>Chart Studies</source>
        <translation>Estudos do gráfico</translation>
    </message>
    <message>
        <source>Cycle Indicators</source>
        <translation>Indicadores de ciclo</translation>
    </message>
</context>
<context>
    <name>IndicatorParameter</name>
    <message>
        <source>ATR multiplier</source>
        <translation>multiplicador do ATR</translation>
    </message>
    <message>
        <source>EMA period</source>
        <translation>período da MME</translation>
    </message>
    <message>
        <source>acceleration factor maximum</source>
        <translation>fator de aceleração máximo</translation>
    </message>
    <message>
        <source>acceleration factor step</source>
        <translation>passo do fator de aceleração</translation>
    </message>
    <message>
        <source>bars the spans are shifted</source>
        <translation>barras de deslocamento das nuvens</translation>
    </message>
    <message>
        <source>base line period</source>
        <translation>período da linha base (Kijun)</translation>
    </message>
    <message>
        <source>conversion line period</source>
        <translation>período da linha de conversão (Tenkan)</translation>
    </message>
    <message>
        <source>deviation multiplier</source>
        <translation>multiplicador do desvio</translation>
    </message>
    <message>
        <source>deviation multiplier for the lower band</source>
        <translation>multiplicador do desvio da banda inferior</translation>
    </message>
    <message>
        <source>deviation multiplier for the upper band</source>
        <translation>multiplicador do desvio da banda superior</translation>
    </message>
    <message>
        <source>initial long acceleration</source>
        <translation>aceleração inicial da compra</translation>
    </message>
    <message>
        <source>initial short acceleration</source>
        <translation>aceleração inicial da venda</translation>
    </message>
    <message>
        <source>leading span B period</source>
        <translation>período do Senkou Span B</translation>
    </message>
    <message>
        <source>long acceleration maximum</source>
        <translation>aceleração máxima da compra</translation>
    </message>
    <message>
        <source>long acceleration step</source>
        <translation>passo de aceleração da compra</translation>
    </message>
    <message>
        <source>lower limit of the adaptive smoothing factor</source>
        <translation>limite inferior do fator de suavização adaptativo</translation>
    </message>
    <message>
        <source>moving average type: 0 SMA, 1 EMA, 2 WMA, 3 DEMA, 4 TEMA, 5 TRIMA, 6 KAMA, 7 MAMA, 8 T3</source>
        <translation>tipo de média móvel: 0 SMA, 1 EMA, 2 WMA, 3 DEMA, 4 TEMA, 5 TRIMA, 6 KAMA, 7 MAMA, 8 T3</translation>
    </message>
    <message>
        <source>number of bars</source>
        <translation>número de barras</translation>
    </message>
    <message>
        <source>percent offset added/removed on reversal</source>
        <translation>deslocamento percentual somado/subtraído na reversão</translation>
    </message>
    <message>
        <source>reset: 0 none (from the first bar), 1 day (00:00 UTC), 2 session (the venue&apos;s trading session: 00:00 UTC on the crypto venues)</source>
        <translation>reinício: 0 nenhum (desde a primeira barra), 1 dia (00:00 UTC), 2 sessão (a sessão de negociação da corretora: 00:00 UTC nas corretoras de cripto)</translation>
    </message>
    <message>
        <source>short acceleration maximum</source>
        <translation>aceleração máxima da venda</translation>
    </message>
    <message>
        <source>short acceleration step</source>
        <translation>passo de aceleração da venda</translation>
    </message>
    <message>
        <source>start value; 0 = auto, &gt;0 long, &lt;0 short</source>
        <translation>valor inicial; 0 = automático, &gt;0 comprado, &lt;0 vendido</translation>
    </message>
    <message>
        <source>upper limit of the adaptive smoothing factor</source>
        <translation>limite superior do fator de suavização adaptativo</translation>
    </message>
    <message>
        <source>volume factor</source>
        <translation>fator de volume</translation>
    </message>
    <message>
        <source>0 klines (their taker buy volume, one value per bar), 1 trades (each bar&apos;s CVD as a candle of the running delta of its trades)</source>
        <translation>0 klines (o volume de compra agressora deles, um valor por barra), 1 negócios (o CVD de cada barra como um candle do delta acumulado dos seus negócios)</translation>
    </message>
</context>
<context>
    <name>IndicatorSpec</name>
    <message>
        <source>no anchor</source>
        <translation>sem âncora</translation>
    </message>
    <message>
        <source>day</source>
        <translation>dia</translation>
    </message>
    <message>
        <source>session</source>
        <translation>sessão</translation>
    </message>
    <message>
        <source>klines</source>
        <translation>klines</translation>
    </message>
    <message>
        <source>trades</source>
        <translation>negócios</translation>
    </message>
</context>
<context>
    <name>IndicatorTitle</name>
    <message>
        <source>1-day Rate-Of-Change (ROC) of a Triple Smooth EMA</source>
        <translation>Taxa de variação de 1 dia (ROC) de uma MME tripla suavizada (TRIX)</translation>
    </message>
    <message>
        <source>Absolute Price Oscillator</source>
        <translation>Oscilador de preço absoluto</translation>
    </message>
    <message>
        <source>Acceleration Bands</source>
        <translation>Bandas de aceleração</translation>
    </message>
    <message>
        <source>Aroon</source>
        <translation>Aroon</translation>
    </message>
    <message>
        <source>Aroon Oscillator</source>
        <translation>Oscilador Aroon</translation>
    </message>
    <message>
        <source>Average Deviation</source>
        <translation>Desvio médio</translation>
    </message>
    <message>
        <source>Average Directional Movement Index</source>
        <translation>Índice de movimento direcional médio (ADX)</translation>
    </message>
    <message>
        <source>Average Directional Movement Index Rating</source>
        <translation>Classificação do índice de movimento direcional médio (ADXR)</translation>
    </message>
    <message>
        <source>Average Price</source>
        <translation>Preço médio</translation>
    </message>
    <message>
        <source>Average True Range</source>
        <translation>Amplitude média verdadeira (ATR)</translation>
    </message>
    <message>
        <source>Balance Of Power</source>
        <translation>Equilíbrio de forças (BOP)</translation>
    </message>
    <message>
        <source>Beta</source>
        <translation>Beta</translation>
    </message>
    <message>
        <source>Bollinger Bands</source>
        <translation>Bandas de Bollinger</translation>
    </message>
    <message>
        <source>Chaikin A/D Line</source>
        <translation>Linha de acumulação/distribuição de Chaikin</translation>
    </message>
    <message>
        <source>Chaikin A/D Oscillator</source>
        <translation>Oscilador de acumulação/distribuição de Chaikin</translation>
    </message>
    <message>
        <source>Chande Momentum Oscillator</source>
        <translation>Oscilador de momento de Chande</translation>
    </message>
    <message>
        <source>Choppiness Index</source>
        <translation>Índice de lateralidade (Choppiness)</translation>
    </message>
    <message>
        <source>Classic daily pivot points</source>
        <translation>Pontos de pivô diários clássicos</translation>
    </message>
    <message>
        <source>Commodity Channel Index</source>
        <translation>Índice de canal de commodities (CCI)</translation>
    </message>
    <message>
        <source>Directional Movement Index</source>
        <translation>Índice de movimento direcional (DX)</translation>
    </message>
    <message>
        <source>Donchian Channels</source>
        <translation>Canais de Donchian</translation>
    </message>
    <message>
        <source>Double Exponential Moving Average</source>
        <translation>Média móvel exponencial dupla</translation>
    </message>
    <message>
        <source>Exponential Moving Average</source>
        <translation>Média móvel exponencial</translation>
    </message>
    <message>
        <source>Highest value over a specified period</source>
        <translation>Maior valor no período</translation>
    </message>
    <message>
        <source>Hilbert Transform - Dominant Cycle Period</source>
        <translation>Transformada de Hilbert - período do ciclo dominante</translation>
    </message>
    <message>
        <source>Hilbert Transform - Dominant Cycle Phase</source>
        <translation>Transformada de Hilbert - fase do ciclo dominante</translation>
    </message>
    <message>
        <source>Hilbert Transform - Instantaneous Trendline</source>
        <translation>Transformada de Hilbert - linha de tendência instantânea</translation>
    </message>
    <message>
        <source>Hilbert Transform - Phasor Components</source>
        <translation>Transformada de Hilbert - componentes fasoriais</translation>
    </message>
    <message>
        <source>Hilbert Transform - SineWave</source>
        <translation>Transformada de Hilbert - onda senoidal</translation>
    </message>
    <message>
        <source>Hilbert Transform - Trend vs Cycle Mode</source>
        <translation>Transformada de Hilbert - modo tendência ou ciclo</translation>
    </message>
    <message>
        <source>Ichimoku Kinko Hyo</source>
        <translation>Ichimoku Kinko Hyo</translation>
    </message>
    <message>
        <source>Index of highest value over a specified period</source>
        <translation>Posição do maior valor no período</translation>
    </message>
    <message>
        <source>Index of lowest value over a specified period</source>
        <translation>Posição do menor valor no período</translation>
    </message>
    <message>
        <source>Indexes of lowest and highest values over a specified period</source>
        <translation>Posições do menor e do maior valor no período</translation>
    </message>
    <message>
        <source>Intraday Momentum Index</source>
        <translation>Índice de momento intradiário</translation>
    </message>
    <message>
        <source>Kaufman Adaptive Moving Average</source>
        <translation>Média móvel adaptativa de Kaufman</translation>
    </message>
    <message>
        <source>Keltner Channels</source>
        <translation>Canais de Keltner</translation>
    </message>
    <message>
        <source>Linear Regression</source>
        <translation>Regressão linear</translation>
    </message>
    <message>
        <source>Linear Regression Angle</source>
        <translation>Ângulo da regressão linear</translation>
    </message>
    <message>
        <source>Linear Regression Intercept</source>
        <translation>Intercepto da regressão linear</translation>
    </message>
    <message>
        <source>Linear Regression Slope</source>
        <translation>Inclinação da regressão linear</translation>
    </message>
    <message>
        <source>Lowest and highest values over a specified period</source>
        <translation>Menor e maior valor no período</translation>
    </message>
    <message>
        <source>Lowest value over a specified period</source>
        <translation>Menor valor no período</translation>
    </message>
    <message>
        <source>MACD with controllable MA type</source>
        <translation>MACD com tipo de média escolhido</translation>
    </message>
    <message>
        <source>MESA Adaptive Moving Average</source>
        <translation>Média móvel adaptativa MESA</translation>
    </message>
    <message>
        <source>Median Price</source>
        <translation>Preço mediano</translation>
    </message>
    <message>
        <source>MidPoint over period</source>
        <translation>Ponto médio no período</translation>
    </message>
    <message>
        <source>Midpoint Price over period</source>
        <translation>Preço médio entre máxima e mínima no período</translation>
    </message>
    <message>
        <source>Minus Directional Indicator</source>
        <translation>Indicador direcional negativo (-DI)</translation>
    </message>
    <message>
        <source>Minus Directional Movement</source>
        <translation>Movimento direcional negativo (-DM)</translation>
    </message>
    <message>
        <source>Momentum</source>
        <translation>Momentum</translation>
    </message>
    <message>
        <source>Money Flow Index</source>
        <translation>Índice de fluxo de dinheiro (MFI)</translation>
    </message>
    <message>
        <source>Moving Average Convergence/Divergence</source>
        <translation>Convergência/divergência de médias móveis (MACD)</translation>
    </message>
    <message>
        <source>Moving Average Convergence/Divergence Fix 12/26</source>
        <translation>Convergência/divergência de médias móveis fixa 12/26</translation>
    </message>
    <message>
        <source>Moving average</source>
        <translation>Média móvel</translation>
    </message>
    <message>
        <source>Normalized Average True Range</source>
        <translation>Amplitude média verdadeira normalizada (NATR)</translation>
    </message>
    <message>
        <source>On Balance Volume</source>
        <translation>Volume em equilíbrio (OBV)</translation>
    </message>
    <message>
        <source>Parabolic SAR</source>
        <translation>SAR parabólico</translation>
    </message>
    <message>
        <source>Parabolic SAR - Extended</source>
        <translation>SAR parabólico - estendido</translation>
    </message>
    <message>
        <source>Pearson&apos;s Correlation Coefficient (r)</source>
        <translation>Coeficiente de correlação de Pearson (r)</translation>
    </message>
    <message>
        <source>Percentage Price Oscillator</source>
        <translation>Oscilador percentual de preço (PPO)</translation>
    </message>
    <message>
        <source>Plus Directional Indicator</source>
        <translation>Indicador direcional positivo (+DI)</translation>
    </message>
    <message>
        <source>Plus Directional Movement</source>
        <translation>Movimento direcional positivo (+DM)</translation>
    </message>
    <message>
        <source>Rate of change : ((price/prevPrice)-1)*100</source>
        <translation>Taxa de variação: ((preço/preçoAnterior)-1)*100</translation>
    </message>
    <message>
        <source>Rate of change Percentage: (price-prevPrice)/prevPrice</source>
        <translation>Taxa de variação percentual: (preço-preçoAnterior)/preçoAnterior</translation>
    </message>
    <message>
        <source>Rate of change ratio 100 scale: (price/prevPrice)*100</source>
        <translation>Razão da taxa de variação na escala 100: (preço/preçoAnterior)*100</translation>
    </message>
    <message>
        <source>Rate of change ratio: (price/prevPrice)</source>
        <translation>Razão da taxa de variação: (preço/preçoAnterior)</translation>
    </message>
    <message>
        <source>Relative Strength Index</source>
        <translation>Índice de Força Relativa</translation>
    </message>
    <message>
        <source>Session VWAP (daily UTC reset, hlc3)</source>
        <translation>VWAP da sessão (reinicia diariamente em UTC, hlc3)</translation>
    </message>
    <message>
        <source>Simple Moving Average</source>
        <translation>Média móvel simples</translation>
    </message>
    <message>
        <source>Standard Deviation</source>
        <translation>Desvio padrão</translation>
    </message>
    <message>
        <source>Stochastic</source>
        <translation>Estocástico</translation>
    </message>
    <message>
        <source>Stochastic Fast</source>
        <translation>Estocástico rápido</translation>
    </message>
    <message>
        <source>Stochastic Relative Strength Index</source>
        <translation>IFR estocástico (Stoch RSI)</translation>
    </message>
    <message>
        <source>Summation</source>
        <translation>Soma</translation>
    </message>
    <message>
        <source>SuperTrend</source>
        <translation>SuperTrend</translation>
    </message>
    <message>
        <source>Time Series Forecast</source>
        <translation>Previsão de série temporal</translation>
    </message>
    <message>
        <source>Triangular Moving Average</source>
        <translation>Média móvel triangular</translation>
    </message>
    <message>
        <source>Triple Exponential Moving Average</source>
        <translation>Média móvel exponencial tripla</translation>
    </message>
    <message>
        <source>Triple Exponential Moving Average (T3)</source>
        <translation>Média móvel exponencial tripla (T3)</translation>
    </message>
    <message>
        <source>True Range</source>
        <translation>Amplitude verdadeira</translation>
    </message>
    <message>
        <source>Typical Price</source>
        <translation>Preço típico</translation>
    </message>
    <message>
        <source>Ultimate Oscillator</source>
        <translation>Oscilador final (Ultimate)</translation>
    </message>
    <message>
        <source>Variance</source>
        <translation>Variância</translation>
    </message>
    <message>
        <source>Weighted Close Price</source>
        <translation>Preço de fechamento ponderado</translation>
    </message>
    <message>
        <source>Weighted Moving Average</source>
        <translation>Média móvel ponderada</translation>
    </message>
    <message>
        <source>Williams&apos; %R</source>
        <translation>%R de Williams</translation>
    </message>
    <message>
        <source>Cumulative Volume Delta (klines&apos; taker buy volume or trades)</source>
        <translation>Delta de Volume Cumulativo (volume de compra agressora dos klines ou negócios)</translation>
    </message>
</context>
<context>
    <name>QObject</name>
    <message>
        <source>Candles</source>
        <translation>Velas</translation>
    </message>
    <message>
        <source>Hollow candles</source>
        <translation>Velas vazadas</translation>
    </message>
    <message>
        <source>Heikin-Ashi</source>
        <translation>Heikin-Ashi</translation>
    </message>
    <message>
        <source>OHLC bars</source>
        <translation>Barras OHLC</translation>
    </message>
    <message>
        <source>Line</source>
        <translation>Linha</translation>
    </message>
    <message>
        <source>Area</source>
        <translation>Área</translation>
    </message>
    <message>
        <source>Baseline</source>
        <translation>Linha de base</translation>
    </message>
    <message>
        <source>H-Line</source>
        <translation>Linha H</translation>
    </message>
    <message>
        <source>Trend</source>
        <translation>Tendência</translation>
    </message>
    <message>
        <source>Ray</source>
        <translation>Raio</translation>
    </message>
    <message>
        <source>Rect</source>
        <translation>Ret.</translation>
    </message>
    <message>
        <source>Fib</source>
        <translation>Fibo</translation>
    </message>
    <message>
        <source>%1 URL &quot;%2&quot; is not a valid URL</source>
        <translation>A URL %1 &quot;%2&quot; não é válida</translation>
    </message>
    <message>
        <source>%1 URL must start with %2:// (%3:// only for localhost)</source>
        <translation>A URL %1 deve começar com %2:// (%3:// só para localhost)</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Procurar…</translation>
    </message>
    <message>
        <source>V-Line</source>
        <translation>Linha V</translation>
    </message>
    <message>
        <source>Parallel channel</source>
        <translation>Canal paralelo</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>Texto</translation>
    </message>
    <message>
        <source>Price range</source>
        <translation>Intervalo de preço</translation>
    </message>
    <message>
        <source>Date range</source>
        <translation>Intervalo de datas</translation>
    </message>
    <message>
        <source>Long position</source>
        <translation>Posição comprada</translation>
    </message>
    <message>
        <source>Short position</source>
        <translation>Posição vendida</translation>
    </message>
    <message>
        <source>Footprint</source>
        <translation>Footprint</translation>
    </message>
</context>
<context>
    <name>cpc::app::AboutDialog</name>
    <message>
        <source>About CanvasProChart</source>
        <translation>Sobre o CanvasProChart</translation>
    </message>
    <message>
        <source>Version %1</source>
        <translation>Versão %1</translation>
    </message>
    <message>
        <source>Live candlestick charts from crypto exchanges.</source>
        <translation>Gráficos de velas ao vivo das corretoras de criptomoedas.</translation>
    </message>
    <message>
        <source>Licence: MIT License.</source>
        <translation>Licença: MIT License.</translation>
    </message>
    <message>
        <source>Copyright © 2026 The CanvasProChart authors.</source>
        <translation>Copyright © 2026 Os autores do CanvasProChart.</translation>
    </message>
    <message>
        <source>Market data sources (public APIs):</source>
        <translation>Fontes dos dados de mercado (APIs públicas):</translation>
    </message>
    <message>
        <source>The data belongs to the exchanges and is shown as received, without warranty. Demo mode uses the built-in simulator and no network.</source>
        <translation>Os dados pertencem às corretoras e são exibidos como recebidos, sem garantia. O modo de demonstração usa o simulador embutido, sem acesso à rede.</translation>
    </message>
    <message>
        <source>Built with Qt %1.</source>
        <translation>Feito com Qt %1.</translation>
    </message>
</context>
<context>
    <name>cpc::app::AlertEditDialog</name>
    <message>
        <source>Edit alert</source>
        <translation>Editar alerta</translation>
    </message>
    <message>
        <source>Add alert</source>
        <translation>Adicionar alerta</translation>
    </message>
    <message>
        <source>Exchange</source>
        <translation>Corretora</translation>
    </message>
    <message>
        <source>Symbol</source>
        <translation>Símbolo</translation>
    </message>
    <message>
        <source>The bars the condition reads (indicators, bar fields, once per bar, on bar close)</source>
        <translation>As barras que a condição lê (indicadores, campos da barra, uma vez por barra, no fechamento da barra)</translation>
    </message>
    <message>
        <source>Interval</source>
        <translation>Intervalo</translation>
    </message>
    <message>
        <source>e.g. price crosses 67000, RSI(14) &gt; 70, EMA(9) crosses EMA(21)</source>
        <translation>ex.: price crosses 67000, RSI(14) &gt; 70, EMA(9) crosses EMA(21)</translation>
    </message>
    <message>
        <source>Condition</source>
        <translation>Condição</translation>
    </message>
    <message>
        <source>Evaluate</source>
        <translation>Avaliar</translation>
    </message>
    <message>
        <source>Trigger</source>
        <translation>Disparo</translation>
    </message>
    <message>
        <source>Expires</source>
        <translation>Expira</translation>
    </message>
    <message>
        <source>Expiry</source>
        <translation>Validade</translation>
    </message>
    <message>
        <source>Your own text, shown with each notification</source>
        <translation>Seu próprio texto, mostrado em cada notificação</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>Mensagem</translation>
    </message>
    <message>
        <source>Enter a symbol, e.g. BTCUSDT.</source>
        <translation>Informe um símbolo, ex.: BTCUSDT.</translation>
    </message>
    <message>
        <source>Symbol: %1</source>
        <translation>Símbolo: %1</translation>
    </message>
    <message>
        <source>The expiry is in the past.</source>
        <translation>A validade está no passado.</translation>
    </message>
</context>
<context>
    <name>cpc::app::AlertLogDock</name>
    <message>
        <source>Alert log</source>
        <translation>Registro de alertas</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Hora</translation>
    </message>
    <message>
        <source>Symbol</source>
        <translation>Símbolo</translation>
    </message>
    <message>
        <source>Condition</source>
        <translation>Condição</translation>
    </message>
    <message>
        <source>Price</source>
        <translation>Preço</translation>
    </message>
    <message>
        <source>Late</source>
        <translation>Atrasado</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>Mensagem</translation>
    </message>
    <message>
        <source>late</source>
        <translation>atrasado</translation>
    </message>
    <message>
        <source>no</source>
        <translation>não</translation>
    </message>
    <message>
        <source>Seen only in history fetched after a disconnect; it happened at %1, reported %2</source>
        <translation>Visto apenas no histórico obtido após uma desconexão; aconteceu às %1, informado às %2</translation>
    </message>
</context>
<context>
    <name>cpc::app::AlertsDialog</name>
    <message>
        <source>Once</source>
        <translation>Uma vez</translation>
    </message>
    <message>
        <source>Once per bar</source>
        <translation>Uma vez por barra</translation>
    </message>
    <message>
        <source>Every time</source>
        <translation>Toda vez</translation>
    </message>
    <message>
        <source>Every tick</source>
        <translation>A cada tick</translation>
    </message>
    <message>
        <source>On bar close</source>
        <translation>No fechamento da barra</translation>
    </message>
    <message>
        <source>fired</source>
        <translation>disparado</translation>
    </message>
    <message>
        <source>expired</source>
        <translation>expirado</translation>
    </message>
    <message>
        <source>paused</source>
        <translation>pausado</translation>
    </message>
    <message>
        <source>active</source>
        <translation>ativo</translation>
    </message>
    <message>
        <source>Alerts</source>
        <translation>Alertas</translation>
    </message>
    <message>
        <source>Id</source>
        <translation>Id</translation>
    </message>
    <message>
        <source>Symbol</source>
        <translation>Símbolo</translation>
    </message>
    <message>
        <source>Condition</source>
        <translation>Condição</translation>
    </message>
    <message>
        <source>Trigger</source>
        <translation>Disparo</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Estado</translation>
    </message>
    <message>
        <source>Fired</source>
        <translation>Disparos</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>Mensagem</translation>
    </message>
    <message>
        <source>Add…</source>
        <translation>Adicionar…</translation>
    </message>
    <message>
        <source>Edit…</source>
        <translation>Editar…</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>Pausar</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Excluir</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Fechar</translation>
    </message>
    <message numerus="yes">
        <source>%n time(s), last %1</source>
        <translation>
            <numerusform>%n vez, a última em %1</numerusform>
            <numerusform>%n vezes, a última em %1</numerusform>
        </translation>
    </message>
    <message>
        <source>never</source>
        <translation>nunca</translation>
    </message>
    <message>
        <source>Alerts are not running.</source>
        <translation>Os alertas não estão em execução.</translation>
    </message>
    <message>
        <source>Alerts are off: %1</source>
        <translation>Alertas desligados: %1</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>Retomar</translation>
    </message>
    <message>
        <source>The alert was not added: %1</source>
        <translation>O alerta não foi adicionado: %1</translation>
    </message>
    <message>
        <source>The alert was not changed: %1</source>
        <translation>O alerta não foi alterado: %1</translation>
    </message>
</context>
<context>
    <name>cpc::app::AlertsUi</name>
    <message>
        <source>Alert when the price leaves…</source>
        <translation>Alertar quando o preço sair…</translation>
    </message>
    <message>
        <source>Alert on cross…</source>
        <translation>Alertar no cruzamento…</translation>
    </message>
    <message>
        <source>Add alert at %1…</source>
        <translation>Adicionar alerta em %1…</translation>
    </message>
    <message>
        <source>Alerts: %1</source>
        <translation>Alertas: %1</translation>
    </message>
    <message>
        <source>A&amp;lerts</source>
        <translation>A&amp;lertas</translation>
    </message>
    <message>
        <source>Alerts…</source>
        <translation>Alertas…</translation>
    </message>
    <message>
        <source>Add alert on this chart…</source>
        <translation>Adicionar alerta neste gráfico…</translation>
    </message>
    <message>
        <source>Alert log</source>
        <translation>Registro de alertas</translation>
    </message>
    <message>
        <source>Sound with notifications</source>
        <translation>Som nas notificações</translation>
    </message>
    <message>
        <source>The alert was not added: %1</source>
        <translation>O alerta não foi adicionado: %1</translation>
    </message>
    <message>
        <source>Alert %1 added: %2 %3</source>
        <translation>Alerta %1 adicionado: %2 %3</translation>
    </message>
    <message>
        <source>Alerts off</source>
        <translation>Alertas desligados</translation>
    </message>
    <message>
        <source>Alerts are off: %1</source>
        <translation>Alertas desligados: %1</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>Price %1 at %2 (late: seen after a disconnect)</source>
        <translation>Preço %1 às %2 (atrasado: visto após uma desconexão)</translation>
    </message>
    <message>
        <source>Price %1 at %2</source>
        <translation>Preço %1 às %2</translation>
    </message>
    <message>
        <source>Alert: %1 %2 at %3</source>
        <translation>Alerta: %1 %2 em %3</translation>
    </message>
</context>
<context>
    <name>cpc::app::BarReplayUi</name>
    <message>
        <source>Bar Replay</source>
        <translation>Replay de barras</translation>
    </message>
    <message>
        <source>Shift+Alt+R</source>
        <translation>Shift+Alt+R</translation>
    </message>
    <message>
        <source>Bar Replay: choose a bar, hide the later ones and replay them (Shift+Alt+R)</source>
        <translation>Replay de barras: escolha uma barra, oculte as seguintes e reproduza-as (Shift+Alt+R)</translation>
    </message>
    <message>
        <source>Select bar</source>
        <translation>Escolher barra</translation>
    </message>
    <message>
        <source>Click a candle on the chart to start the replay there</source>
        <translation>Clique em um candle do gráfico para iniciar o replay nele</translation>
    </message>
    <message>
        <source>YYYY-MM-DD HH:MM (UTC)</source>
        <translation>AAAA-MM-DD HH:MM (UTC)</translation>
    </message>
    <message>
        <source>Start the replay at this time (UTC), or a time back from now: -6h, -2d</source>
        <translation>Iniciar o replay neste horário (UTC), ou um tempo antes de agora: -6h, -2d</translation>
    </message>
    <message>
        <source>Bar Replay: &quot;%1&quot; is not a time; type e.g. 2024-01-15 13:05 (UTC) or -6h</source>
        <translation>Replay de barras: &quot;%1&quot; não é um horário; digite p. ex. 2024-01-15 13:05 (UTC) ou -6h</translation>
    </message>
    <message>
        <source>Go</source>
        <translation>Ir</translation>
    </message>
    <message>
        <source>Play</source>
        <translation>Reproduzir</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>Avançar</translation>
    </message>
    <message>
        <source>Shift+Right</source>
        <translation>Shift+Right</translation>
    </message>
    <message>
        <source>Reveal the next bar (Shift+Right)</source>
        <translation>Revelar a próxima barra (Shift+Direita)</translation>
    </message>
    <message>
        <source>Replay speed</source>
        <translation>Velocidade do replay</translation>
    </message>
    <message>
        <source>1 bar/s</source>
        <translation>1 barra/s</translation>
    </message>
    <message>
        <source>%1 bars/s</source>
        <translation>%1 barras/s</translation>
    </message>
    <message>
        <source>Exit replay</source>
        <translation>Sair do replay</translation>
    </message>
    <message>
        <source>Back to the live chart</source>
        <translation>Voltar ao gráfico ao vivo</translation>
    </message>
    <message>
        <source>Bar Replay: %1</source>
        <translation>Replay de barras: %1</translation>
    </message>
    <message>
        <source>Bar Replay: click a candle to start there, or type a date (UTC) in the replay bar; Esc cancels</source>
        <translation>Replay de barras: clique em um candle para começar nele, ou digite uma data (UTC) na barra do replay; Esc cancela</translation>
    </message>
    <message>
        <source>Bar Replay: click on a candle</source>
        <translation>Replay de barras: clique em um candle</translation>
    </message>
    <message>
        <source>Replay: %1</source>
        <translation>Replay: %1</translation>
    </message>
    <message>
        <source> — end of the candles</source>
        <translation> — fim dos candles</translation>
    </message>
    <message>
        <source>REPLAY %1 UTC</source>
        <translation>REPLAY %1 UTC</translation>
    </message>
    <message>
        <source>REPLAY · %1 UTC</source>
        <translation>REPLAY · %1 UTC</translation>
    </message>
    <message>
        <source>Replay alerts: %1 fired of %2</source>
        <translation>Alertas do replay: %1 disparados de %2</translation>
    </message>
    <message>
        <source>BAR REPLAY</source>
        <translation>REPLAY DE BARRAS</translation>
    </message>
    <message>
        <source>The chart shows the candles up to this time (UTC) only; Exit returns to live</source>
        <translation>O gráfico mostra os candles somente até este horário (UTC); Sair volta ao vivo</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>Pausar</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancelar</translation>
    </message>
</context>
<context>
    <name>cpc::app::ChartCompare</name>
    <message>
        <source>%1 is the chart&apos;s own symbol</source>
        <translation>%1 é o próprio símbolo do gráfico</translation>
    </message>
    <message>
        <source>%1 is compared already</source>
        <translation>%1 já está sendo comparado</translation>
    </message>
    <message>
        <source>Cannot compare %1: %2</source>
        <translation>Não foi possível comparar %1: %2</translation>
    </message>
</context>
<context>
    <name>cpc::app::ChartController</name>
    <message>
        <source>%1 is not listed on %2; showing %3</source>
        <translation>%1 não está listado na %2; exibindo %3</translation>
    </message>
</context>
<context>
    <name>cpc::app::ChartPane</name>
    <message>
        <source>Order flow: %1 %2</source>
        <translation>Fluxo de ordens: %1 %2</translation>
    </message>
    <message>
        <source>Loading %1 %2…</source>
        <translation>Carregando %1 %2…</translation>
    </message>
    <message>
        <source>Simulator (%1)</source>
        <translation>Simulador (%1)</translation>
    </message>
    <message>
        <source>needs the taker buy volume of Binance&apos;s klines</source>
        <translation>precisa do volume de compra agressora das velas da Binance</translation>
    </message>
    <message>
        <source>Text note</source>
        <translation>Nota de texto</translation>
    </message>
    <message>
        <source>Note:</source>
        <translation>Nota:</translation>
    </message>
    <message>
        <source>Cannot add %1: %2</source>
        <translation>Não foi possível adicionar %1: %2</translation>
    </message>
    <message>
        <source>Footprint history: %1 bars, %2 trades (%3 bars from the cache)</source>
        <translation>Histórico do footprint: %1 barras, %2 negócios (%3 barras do cache)</translation>
    </message>
    <message>
        <source>%1 Perpetual</source>
        <translation>%1 Perpétuo</translation>
    </message>
</context>
<context>
    <name>cpc::app::ChartUndo</name>
    <message>
        <source>Add drawing</source>
        <translation>Adicionar desenho</translation>
    </message>
    <message>
        <source>Add drawings</source>
        <translation>Adicionar desenhos</translation>
    </message>
    <message>
        <source>Delete drawing</source>
        <translation>Excluir desenho</translation>
    </message>
    <message>
        <source>Delete drawings</source>
        <translation>Excluir desenhos</translation>
    </message>
    <message>
        <source>Reorder drawings</source>
        <translation>Reordenar desenhos</translation>
    </message>
    <message>
        <source>Move drawing</source>
        <translation>Mover desenho</translation>
    </message>
    <message>
        <source>Drawing properties</source>
        <translation>Propriedades do desenho</translation>
    </message>
    <message>
        <source>Add indicator</source>
        <translation>Adicionar indicador</translation>
    </message>
    <message>
        <source>Remove indicator</source>
        <translation>Remover indicador</translation>
    </message>
    <message>
        <source>Change indicator</source>
        <translation>Alterar indicador</translation>
    </message>
</context>
<context>
    <name>cpc::app::DrawingPropertiesDialog</name>
    <message>
        <source>Drawing properties</source>
        <translation>Propriedades do desenho</translation>
    </message>
    <message>
        <source>Colour</source>
        <translation>Cor</translation>
    </message>
    <message>
        <source>Width</source>
        <translation>Espessura</translation>
    </message>
    <message>
        <source>Line style</source>
        <translation>Estilo da linha</translation>
    </message>
    <message>
        <source>Extend left</source>
        <translation>Estender à esquerda</translation>
    </message>
    <message>
        <source>Extend right</source>
        <translation>Estender à direita</translation>
    </message>
    <message>
        <source>Only trend lines, rays and Fibonacci retracements extend</source>
        <translation>Só linhas de tendência, raios e retrações de Fibonacci se estendem</translation>
    </message>
    <message>
        <source>Extend</source>
        <translation>Estender</translation>
    </message>
    <message>
        <source>Shown next to the drawing</source>
        <translation>Mostrado junto ao desenho</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>Texto</translation>
    </message>
    <message>
        <source>Locked (cannot be moved with the mouse)</source>
        <translation>Travado (não pode ser movido com o mouse)</translation>
    </message>
    <message>
        <source>Visible</source>
        <translation>Visível</translation>
    </message>
    <message>
        <source>Theme colour</source>
        <translation>Cor do tema</translation>
    </message>
</context>
<context>
    <name>cpc::app::IndicatorDialog</name>
    <message>
        <source>Edit indicator</source>
        <translation>Editar indicador</translation>
    </message>
    <message>
        <source>Add indicator</source>
        <translation>Adicionar indicador</translation>
    </message>
    <message>
        <source>Search: name or title (e.g. RSI, moving average)</source>
        <translation>Buscar: nome ou título (ex.: RSI, média móvel)</translation>
    </message>
    <message>
        <source>Placement</source>
        <translation>Posição</translation>
    </message>
    <message>
        <source>Overlay on price</source>
        <translation>Sobre o preço</translation>
    </message>
    <message>
        <source>Own pane</source>
        <translation>Painel próprio</translation>
    </message>
    <message>
        <source>Colour</source>
        <translation>Cor</translation>
    </message>
    <message>
        <source>Colour of %1</source>
        <translation>Cor de %1</translation>
    </message>
    <message>
        <source>Length</source>
        <translation>Período</translation>
    </message>
    <message>
        <source>Fast length</source>
        <translation>Período rápido</translation>
    </message>
    <message>
        <source>Slow length</source>
        <translation>Período lento</translation>
    </message>
    <message>
        <source>Signal length</source>
        <translation>Período do sinal</translation>
    </message>
    <message>
        <source>MA type</source>
        <translation>Tipo de média</translation>
    </message>
    <message>
        <source>Fast MA type</source>
        <translation>Tipo da média rápida</translation>
    </message>
    <message>
        <source>Slow MA type</source>
        <translation>Tipo da média lenta</translation>
    </message>
    <message>
        <source>Signal MA type</source>
        <translation>Tipo da média do sinal</translation>
    </message>
    <message>
        <source>Std. dev. up</source>
        <translation>Desvio padrão acima</translation>
    </message>
    <message>
        <source>Std. dev. down</source>
        <translation>Desvio padrão abaixo</translation>
    </message>
    <message>
        <source>Std. deviations</source>
        <translation>Desvios padrão</translation>
    </message>
    <message>
        <source>%K length</source>
        <translation>Período do %K</translation>
    </message>
    <message>
        <source>%K smoothing</source>
        <translation>Suavização do %K</translation>
    </message>
    <message>
        <source>%K smoothing MA type</source>
        <translation>Tipo da média de suavização do %K</translation>
    </message>
    <message>
        <source>%D length</source>
        <translation>Período do %D</translation>
    </message>
    <message>
        <source>%D MA type</source>
        <translation>Tipo da média do %D</translation>
    </message>
    <message>
        <source>Multiplier</source>
        <translation>Multiplicador</translation>
    </message>
    <message>
        <source>ATR length</source>
        <translation>Período do ATR</translation>
    </message>
    <message>
        <source>Acceleration step</source>
        <translation>Passo de aceleração</translation>
    </message>
    <message>
        <source>Maximum acceleration</source>
        <translation>Aceleração máxima</translation>
    </message>
    <message>
        <source>Volume factor</source>
        <translation>Fator de volume</translation>
    </message>
    <message>
        <source>Fast limit</source>
        <translation>Limite rápido</translation>
    </message>
    <message>
        <source>Slow limit</source>
        <translation>Limite lento</translation>
    </message>
    <message>
        <source>Conversion line length</source>
        <translation>Período da linha de conversão</translation>
    </message>
    <message>
        <source>Base line length</source>
        <translation>Período da linha base</translation>
    </message>
    <message>
        <source>Leading span B length</source>
        <translation>Período do Span B</translation>
    </message>
    <message>
        <source>Displacement</source>
        <translation>Deslocamento</translation>
    </message>
    <message>
        <source>Start value</source>
        <translation>Valor inicial</translation>
    </message>
    <message>
        <source>Offset on reverse</source>
        <translation>Deslocamento na reversão</translation>
    </message>
    <message>
        <source>Acceleration start (long)</source>
        <translation>Aceleração inicial (compra)</translation>
    </message>
    <message>
        <source>Acceleration step (long)</source>
        <translation>Passo de aceleração (compra)</translation>
    </message>
    <message>
        <source>Maximum acceleration (long)</source>
        <translation>Aceleração máxima (compra)</translation>
    </message>
    <message>
        <source>Acceleration start (short)</source>
        <translation>Aceleração inicial (venda)</translation>
    </message>
    <message>
        <source>Acceleration step (short)</source>
        <translation>Passo de aceleração (venda)</translation>
    </message>
    <message>
        <source>Maximum acceleration (short)</source>
        <translation>Aceleração máxima (venda)</translation>
    </message>
    <message>
        <source>Line</source>
        <translation>Linha</translation>
    </message>
    <message>
        <source>Upper band</source>
        <translation>Banda superior</translation>
    </message>
    <message>
        <source>Middle band</source>
        <translation>Banda central</translation>
    </message>
    <message>
        <source>Lower band</source>
        <translation>Banda inferior</translation>
    </message>
    <message>
        <source>MACD</source>
        <translation>MACD</translation>
    </message>
    <message>
        <source>Signal</source>
        <translation>Sinal</translation>
    </message>
    <message>
        <source>Histogram</source>
        <translation>Histograma</translation>
    </message>
    <message>
        <source>%K</source>
        <translation>%K</translation>
    </message>
    <message>
        <source>%D</source>
        <translation>%D</translation>
    </message>
    <message>
        <source>Aroon down</source>
        <translation>Aroon de baixa</translation>
    </message>
    <message>
        <source>Aroon up</source>
        <translation>Aroon de alta</translation>
    </message>
    <message>
        <source>Simple (SMA)</source>
        <translation>Simples (SMA)</translation>
    </message>
    <message>
        <source>Exponential (EMA)</source>
        <translation>Exponencial (EMA)</translation>
    </message>
    <message>
        <source>Weighted (WMA)</source>
        <translation>Ponderada (WMA)</translation>
    </message>
    <message>
        <source>Double exponential (DEMA)</source>
        <translation>Exponencial dupla (DEMA)</translation>
    </message>
    <message>
        <source>Triple exponential (TEMA)</source>
        <translation>Exponencial tripla (TEMA)</translation>
    </message>
    <message>
        <source>Triangular (TRIMA)</source>
        <translation>Triangular (TRIMA)</translation>
    </message>
    <message>
        <source>Kaufman adaptive (KAMA)</source>
        <translation>Adaptativa de Kaufman (KAMA)</translation>
    </message>
    <message>
        <source>MESA adaptive (MAMA)</source>
        <translation>Adaptativa MESA (MAMA)</translation>
    </message>
    <message>
        <source>Triple smoothed (T3)</source>
        <translation>Suavizada tripla (T3)</translation>
    </message>
    <message>
        <source>Anchor</source>
        <translation>Âncora</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>Fonte</translation>
    </message>
    <message>
        <source>None</source>
        <translation>Nenhuma</translation>
    </message>
    <message>
        <source>Day (00:00 UTC)</source>
        <translation>Dia (00:00 UTC)</translation>
    </message>
    <message>
        <source>Session</source>
        <translation>Sessão</translation>
    </message>
    <message>
        <source>Klines (taker buy volume)</source>
        <translation>Klines (volume de compra agressora)</translation>
    </message>
    <message>
        <source>Trades (intrabar)</source>
        <translation>Negócios (intrabarra)</translation>
    </message>
</context>
<context>
    <name>cpc::app::LiquidationTable</name>
    <message>
        <source>Time</source>
        <translation>Hora</translation>
    </message>
    <message>
        <source>Liquidated</source>
        <translation>Liquidado</translation>
    </message>
    <message>
        <source>Price</source>
        <translation>Preço</translation>
    </message>
    <message>
        <source>Quantity</source>
        <translation>Quantidade</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Valor</translation>
    </message>
    <message>
        <source>Long</source>
        <translation>Comprado</translation>
    </message>
    <message>
        <source>Short</source>
        <translation>Vendido</translation>
    </message>
    <message>
        <source>%1 contracts</source>
        <translation>%1 contratos</translation>
    </message>
</context>
<context>
    <name>cpc::app::MainWindow</name>
    <message>
        <source>Loading history</source>
        <translation>Carregando histórico</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Arquivo</translation>
    </message>
    <message>
        <source>&amp;Export PNG…</source>
        <translation>&amp;Exportar PNG…</translation>
    </message>
    <message>
        <source>Ctrl+S</source>
        <translation>Ctrl+S</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>&amp;Configurações…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>Sai&amp;r</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>E&amp;xibir</translation>
    </message>
    <message>
        <source>&amp;Light theme</source>
        <translation>Tema &amp;claro</translation>
    </message>
    <message>
        <source>Volume &amp;profile (visible range)</source>
        <translation>&amp;Perfil de volume (faixa visível)</translation>
    </message>
    <message>
        <source>Go to &amp;live edge</source>
        <translation>Ir para a ú&amp;ltima vela</translation>
    </message>
    <message>
        <source>&amp;Reset view</source>
        <translation>&amp;Redefinir visualização</translation>
    </message>
    <message>
        <source>Re&amp;connect</source>
        <translation>Re&amp;conectar</translation>
    </message>
    <message>
        <source>Ctrl+R</source>
        <translation>Ctrl+R</translation>
    </message>
    <message>
        <source>Realtime &amp;test window</source>
        <translation>Janela de &amp;teste em tempo real</translation>
    </message>
    <message>
        <source>&amp;Indicators</source>
        <translation>&amp;Indicadores</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>Aj&amp;uda</translation>
    </message>
    <message>
        <source>&amp;About CanvasProChart</source>
        <translation>&amp;Sobre o CanvasProChart</translation>
    </message>
    <message>
        <source>Chart</source>
        <translation>Gráfico</translation>
    </message>
    <message>
        <source>Exchange: its symbols, candles and live streams (endpoints in Settings)</source>
        <translation>Corretora: seus ativos, velas e streams ao vivo (endereços nas Configurações)</translation>
    </message>
    <message>
        <source>Type to search the exchange&apos;s symbols; Enter opens the chart</source>
        <translation>Digite para buscar os ativos da corretora; Enter abre o gráfico</translation>
    </message>
    <message>
        <source>Timeframe %1</source>
        <translation>Tempo gráfico %1</translation>
    </message>
    <message>
        <source>All 16 Binance timeframes (1m = minute, 1M = month)</source>
        <translation>Os 16 tempos gráficos da Binance (1m = minuto, 1M = mês)</translation>
    </message>
    <message>
        <source>Chart type</source>
        <translation>Tipo de gráfico</translation>
    </message>
    <message>
        <source>Drawing</source>
        <translation>Desenho</translation>
    </message>
    <message>
        <source>Draw: click the first point, then the second (Esc cancels; select a drawing and press Delete to remove it)</source>
        <translation>Desenhar: clique no primeiro ponto e depois no segundo (Esc cancela; selecione um desenho e tecle Delete para removê-lo)</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Excluir</translation>
    </message>
    <message>
        <source>Delete the selected drawing</source>
        <translation>Excluir o desenho selecionado</translation>
    </message>
    <message>
        <source>Auto</source>
        <translation>Auto</translation>
    </message>
    <message>
        <source>Auto-scale the price axis to the visible bars (double-click the axis too)</source>
        <translation>Ajustar a escala de preço às barras visíveis (ou clique duas vezes no eixo)</translation>
    </message>
    <message>
        <source>Log</source>
        <translation>Log</translation>
    </message>
    <message>
        <source>Logarithmic price scale</source>
        <translation>Escala de preço logarítmica</translation>
    </message>
    <message>
        <source>%</source>
        <translation>%</translation>
    </message>
    <message>
        <source>Percent scale: change from the first visible bar</source>
        <translation>Escala percentual: variação desde a primeira barra visível</translation>
    </message>
    <message>
        <source>Vol</source>
        <translation>Vol</translation>
    </message>
    <message>
        <source>Show the volume pane</source>
        <translation>Mostrar o painel de volume</translation>
    </message>
    <message>
        <source>Indicators</source>
        <translation>Indicadores</translation>
    </message>
    <message>
        <source>Add an indicator (the arrow lists the chart&apos;s indicators to edit or remove)</source>
        <translation>Adicionar um indicador (a seta lista os indicadores do gráfico para editar ou remover)</translation>
    </message>
    <message>
        <source>PNG</source>
        <translation>PNG</translation>
    </message>
    <message>
        <source>Screenshot: save the chart as a PNG (File → Export PNG, Ctrl+S)</source>
        <translation>Captura de tela: salvar o gráfico como PNG (Arquivo → Exportar PNG, Ctrl+S)</translation>
    </message>
    <message>
        <source>Realtime</source>
        <translation>Tempo real</translation>
    </message>
    <message>
        <source>Open the realtime test window: live trades, order book, ticker and feed health</source>
        <translation>Abrir a janela de teste em tempo real: negócios ao vivo, livro de ofertas, ticker e saúde do feed</translation>
    </message>
    <message>
        <source>local (%1)</source>
        <translation>local (%1)</translation>
    </message>
    <message>
        <source>Export PNG</source>
        <translation>Exportar PNG</translation>
    </message>
    <message>
        <source>PNG images (*.png)</source>
        <translation>Imagens PNG (*.png)</translation>
    </message>
    <message>
        <source>Chart saved to %1</source>
        <translation>Gráfico salvo em %1</translation>
    </message>
    <message>
        <source>Could not write %1</source>
        <translation>Não foi possível gravar %1</translation>
    </message>
    <message>
        <source>Settings saved; endpoint changes apply at the next start or exchange switch, CA and cache folder changes at the next start</source>
        <translation>Configurações salvas; os endereços mudam no próximo início ou na troca de corretora, o CA e a pasta do cache no próximo início</translation>
    </message>
    <message>
        <source>Cannot switch to %1: %2</source>
        <translation>Não foi possível trocar para %1: %2</translation>
    </message>
    <message>
        <source>Exchange: %1</source>
        <translation>Corretora: %1</translation>
    </message>
    <message>
        <source>Unknown symbol &quot;%1&quot;: pick one of the %2 symbols in the list</source>
        <translation>Ativo desconhecido &quot;%1&quot;: escolha um dos %2 ativos da lista</translation>
    </message>
    <message>
        <source>&amp;Add indicator…</source>
        <translation>&amp;Adicionar indicador…</translation>
    </message>
    <message>
        <source>Ctrl+I</source>
        <translation>Ctrl+I</translation>
    </message>
    <message>
        <source> (overlay)</source>
        <translation> (sobre o preço)</translation>
    </message>
    <message>
        <source> (pane)</source>
        <translation> (painel)</translation>
    </message>
    <message>
        <source>&amp;Edit…</source>
        <translation>&amp;Editar…</translation>
    </message>
    <message>
        <source>&amp;Remove</source>
        <translation>&amp;Remover</translation>
    </message>
    <message>
        <source>%L1 ms</source>
        <translation>%L1 ms</translation>
    </message>
    <message>
        <source>%L1 s</source>
        <translation>%L1 s</translation>
    </message>
    <message>
        <source> (retry in %1 s)</source>
        <translation> (nova tentativa em %1 s)</translation>
    </message>
    <message numerus="yes">
        <source>%Ln candle(s)</source>
        <translation>
            <numerusform>%Ln vela</numerusform>
            <numerusform>%Ln velas</numerusform>
        </translation>
    </message>
    <message>
        <source>no update yet</source>
        <translation>nenhuma atualização ainda</translation>
    </message>
    <message>
        <source>last update %1</source>
        <translation>última atualização %1</translation>
    </message>
    <message>
        <source>Auto (fit the visible bars)</source>
        <translation>Automática (ajustar às barras visíveis)</translation>
    </message>
    <message>
        <source>Regular</source>
        <translation>Normal</translation>
    </message>
    <message>
        <source>Logarithmic</source>
        <translation>Logarítmica</translation>
    </message>
    <message>
        <source>Percent</source>
        <translation>Percentual</translation>
    </message>
    <message>
        <source>Invert scale</source>
        <translation>Inverter escala</translation>
    </message>
    <message>
        <source>Properties…</source>
        <translation>Propriedades…</translation>
    </message>
    <message>
        <source>Clone</source>
        <translation>Clonar</translation>
    </message>
    <message>
        <source>Lock</source>
        <translation>Travar</translation>
    </message>
    <message>
        <source>Hide</source>
        <translation>Ocultar</translation>
    </message>
    <message>
        <source>Drawing hidden: View ▸ Object tree shows it again</source>
        <translation>Desenho oculto: Exibir ▸ Árvore de objetos o mostra de novo</translation>
    </message>
    <message>
        <source>Settings…</source>
        <translation>Configurações…</translation>
    </message>
    <message>
        <source>Indicator hidden: View ▸ Object tree shows it again</source>
        <translation>Indicador oculto: Exibir ▸ Árvore de objetos o mostra de novo</translation>
    </message>
    <message>
        <source>Move up</source>
        <translation>Mover para cima</translation>
    </message>
    <message>
        <source>Move down</source>
        <translation>Mover para baixo</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Remover</translation>
    </message>
    <message>
        <source>Add horizontal line at %1</source>
        <translation>Adicionar linha horizontal em %1</translation>
    </message>
    <message>
        <source>Copy price %1</source>
        <translation>Copiar preço %1</translation>
    </message>
    <message>
        <source>Reset chart view</source>
        <translation>Redefinir visão do gráfico</translation>
    </message>
    <message>
        <source>Add indicator…</source>
        <translation>Adicionar indicador…</translation>
    </message>
    <message>
        <source>Object tree</source>
        <translation>Árvore de objetos</translation>
    </message>
    <message>
        <source>Chart settings…</source>
        <translation>Configurações do gráfico…</translation>
    </message>
    <message>
        <source>Timeframe: %1 (Enter to switch, Esc to cancel)</source>
        <translation>Tempo gráfico: %1 (Enter para trocar, Esc para cancelar)</translation>
    </message>
    <message>
        <source>No timeframe &quot;%1&quot;: type e.g. 15 (minutes), 4h, 1d, 1w or 1M</source>
        <translation>Não há tempo gráfico &quot;%1&quot;: digite p. ex. 15 (minutos), 4h, 1d, 1w ou 1M</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>&amp;Editar</translation>
    </message>
    <message>
        <source>&amp;Undo</source>
        <translation>&amp;Desfazer</translation>
    </message>
    <message>
        <source>Ctrl+Z</source>
        <translation>Ctrl+Z</translation>
    </message>
    <message>
        <source>&amp;Redo</source>
        <translation>&amp;Refazer</translation>
    </message>
    <message>
        <source>Ctrl+Shift+Z</source>
        <translation>Ctrl+Shift+Z</translation>
    </message>
    <message>
        <source>Ctrl+Y</source>
        <translation>Ctrl+Y</translation>
    </message>
    <message>
        <source>&amp;Copy chart image</source>
        <translation>&amp;Copiar imagem do gráfico</translation>
    </message>
    <message>
        <source>Ctrl+Shift+C</source>
        <translation>Ctrl+Shift+C</translation>
    </message>
    <message>
        <source>&amp;Delete all drawings and indicators</source>
        <translation>E&amp;xcluir todos os desenhos e indicadores</translation>
    </message>
    <message>
        <source>&amp;Object tree</source>
        <translation>Árvore de &amp;objetos</translation>
    </message>
    <message>
        <source>Ctrl+Shift+O</source>
        <translation>Ctrl+Shift+O</translation>
    </message>
    <message>
        <source>Chart image copied to the clipboard (%1 × %2)</source>
        <translation>Imagem do gráfico copiada para a área de transferência (%1 × %2)</translation>
    </message>
    <message>
        <source>Delete all: the chart has no drawings or indicators</source>
        <translation>Excluir tudo: o gráfico não tem desenhos nem indicadores</translation>
    </message>
    <message>
        <source>Delete all drawings and indicators</source>
        <translation>Excluir todos os desenhos e indicadores</translation>
    </message>
    <message>
        <source>Deleted %1 drawings and %2 indicators (Ctrl+Z brings them back)</source>
        <translation>%1 desenhos e %2 indicadores excluídos (Ctrl+Z os traz de volta)</translation>
    </message>
    <message>
        <source>%1 · %2 %3 — CanvasProChart</source>
        <comment>window title: venue, symbol, last price</comment>
        <translation>%1 · %2 %3 — CanvasProChart</translation>
    </message>
    <message>
        <source>%1 · %2 — CanvasProChart</source>
        <comment>window title: venue, symbol</comment>
        <translation>%1 · %2 — CanvasProChart</translation>
    </message>
    <message>
        <source>REST %1
Stream %2</source>
        <translation>REST %1
Stream %2</translation>
    </message>
    <message>
        <source>Draw: click where it goes (Esc cancels; select a drawing and press Delete to remove it)</source>
        <translation>Desenhar: clique onde ele fica (Esc cancela; selecione um desenho e pressione Delete para removê-lo)</translation>
    </message>
    <message>
        <source>Shift+drag on the chart measures without a tool</source>
        <translation>Shift+arrastar no gráfico mede sem ferramenta</translation>
    </message>
    <message>
        <source>Magnet</source>
        <translation>Ímã</translation>
    </message>
    <message>
        <source>Magnet: drawing points snap to the bar&apos;s open, high, low or close</source>
        <translation>Ímã: os pontos do desenho grudam na abertura, máxima, mínima ou fechamento da vela</translation>
    </message>
    <message>
        <source>&amp;Heatmap (order book)</source>
        <translation>&amp;Mapa de calor (livro de ofertas)</translation>
    </message>
    <message>
        <source>Heatmap &amp;log scale</source>
        <translation>Mapa de calor em escala &amp;logarítmica</translation>
    </message>
    <message>
        <source>&amp;Big trades threshold…</source>
        <translation>Limite de &amp;grandes negócios…</translation>
    </message>
    <message>
        <source>Big trades</source>
        <translation>Grandes negócios</translation>
    </message>
    <message>
        <source>Draw trades worth at least (quote asset):</source>
        <translation>Desenhar negócios de valor mínimo (moeda de cotação):</translation>
    </message>
    <message>
        <source>Footprint &amp;imbalance ratio…</source>
        <translation>Razão de &amp;desequilíbrio do footprint…</translation>
    </message>
    <message>
        <source>Footprint</source>
        <translation>Footprint</translation>
    </message>
    <message>
        <source>Highlight a row whose buys exceed the diagonal sells (or the reverse) by at least:</source>
        <translation>Destacar uma linha cujas compras superem as vendas na diagonal (ou o inverso) em pelo menos:</translation>
    </message>
    <message>
        <source>Layout %1</source>
        <translation>Layout %1</translation>
    </message>
    <message>
        <source>&amp;Layout</source>
        <translation>&amp;Layout</translation>
    </message>
    <message>
        <source>1 chart</source>
        <translation>1 gráfico</translation>
    </message>
    <message>
        <source>2 charts side by side</source>
        <translation>2 gráficos lado a lado</translation>
    </message>
    <message>
        <source>2 charts stacked</source>
        <translation>2 gráficos empilhados</translation>
    </message>
    <message>
        <source>3 charts (one left, two right)</source>
        <translation>3 gráficos (um à esquerda, dois à direita)</translation>
    </message>
    <message>
        <source>4 charts (2 × 2)</source>
        <translation>4 gráficos (2 × 2)</translation>
    </message>
    <message>
        <source>6 charts (3 × 2)</source>
        <translation>6 gráficos (3 × 2)</translation>
    </message>
    <message>
        <source>8 charts (4 × 2)</source>
        <translation>8 gráficos (4 × 2)</translation>
    </message>
    <message>
        <source>&amp;New layout tab</source>
        <translation>&amp;Nova aba de layout</translation>
    </message>
    <message>
        <source>Ctrl+T</source>
        <translation>Ctrl+T</translation>
    </message>
    <message>
        <source>&amp;Close layout tab</source>
        <translation>&amp;Fechar aba de layout</translation>
    </message>
    <message>
        <source>&amp;Detach chart into its own window</source>
        <translation>&amp;Destacar o gráfico em uma janela própria</translation>
    </message>
    <message>
        <source>&amp;Link the chart</source>
        <translation>&amp;Vincular o gráfico</translation>
    </message>
    <message>
        <source>Not linked</source>
        <translation>Sem vínculo</translation>
    </message>
    <message>
        <source>Red group</source>
        <translation>Grupo vermelho</translation>
    </message>
    <message>
        <source>Green group</source>
        <translation>Grupo verde</translation>
    </message>
    <message>
        <source>Blue group</source>
        <translation>Grupo azul</translation>
    </message>
    <message>
        <source>Orange group</source>
        <translation>Grupo laranja</translation>
    </message>
    <message>
        <source>Linked charts follow the &amp;timeframe too</source>
        <translation>Gráficos vinculados seguem também o &amp;tempo gráfico</translation>
    </message>
    <message>
        <source>%1 · %2 %3 — CanvasProChart</source>
        <comment>detached chart: venue, symbol, timeframe</comment>
        <translation>%1 · %2 %3 — CanvasProChart</translation>
    </message>
    <message>
        <source>Cannot open another chart on %1: %2</source>
        <translation>Não foi possível abrir outro gráfico em %1: %2</translation>
    </message>
    <message>
        <source>Unknown layout &quot;%1&quot;; accepted: %2</source>
        <translation>Layout desconhecido &quot;%1&quot;; aceitos: %2</translation>
    </message>
    <message>
        <source>The last layout cannot be closed</source>
        <translation>O último layout não pode ser fechado</translation>
    </message>
    <message>
        <source>&amp;Put the chart back into the layout</source>
        <translation>&amp;Devolver o gráfico ao layout</translation>
    </message>
    <message>
        <source>This chart is in a window of its own.</source>
        <translation>Este gráfico está em uma janela própria.</translation>
    </message>
    <message>
        <source>Put it back</source>
        <translation>Devolver</translation>
    </message>
    <message>
        <source>&amp;Sync the crosshair across charts</source>
        <translation>&amp;Sincronizar a mira entre os gráficos</translation>
    </message>
    <message>
        <source>type a symbol: EXCHANGE:SYMBOL or SYMBOL</source>
        <translation>digite um símbolo: CORRETORA:SÍMBOLO ou SÍMBOLO</translation>
    </message>
    <message>
        <source>unknown exchange &quot;%1&quot;</source>
        <translation>corretora desconhecida &quot;%1&quot;</translation>
    </message>
    <message>
        <source>no exchange given</source>
        <translation>nenhuma corretora informada</translation>
    </message>
    <message>
        <source>Cannot compare: %1</source>
        <translation>Não foi possível comparar: %1</translation>
    </message>
    <message>
        <source>Comparing with %1</source>
        <translation>Comparando com %1</translation>
    </message>
    <message>
        <source>Compare</source>
        <translation>Comparar</translation>
    </message>
    <message>
        <source>Symbol to compare (EXCHANGE:SYMBOL, e.g. okx:ETH-USDT, or SYMBOL on this chart&apos;s exchange):</source>
        <translation>Símbolo a comparar (CORRETORA:SÍMBOLO, p. ex. okx:ETH-USDT, ou SÍMBOLO na corretora deste gráfico):</translation>
    </message>
    <message>
        <source>Compare…</source>
        <translation>Comparar…</translation>
    </message>
    <message>
        <source>Remove compare %1</source>
        <translation>Remover comparação %1</translation>
    </message>
    <message>
        <source>Market: the spot pair or its perpetual futures (mark price, funding, open interest, liquidations); a symbol typed with .P opens the perpetual</source>
        <translation>Mercado: o par à vista ou seus futuros perpétuos (preço de marcação, funding, contratos em aberto, liquidações); um símbolo digitado com .P abre o perpétuo</translation>
    </message>
    <message>
        <source>Spot</source>
        <translation>À vista</translation>
    </message>
    <message>
        <source>Perp</source>
        <comment>market box: perpetual futures</comment>
        <translation>Perp</translation>
    </message>
    <message>
        <source>&amp;Perpetual</source>
        <translation>&amp;Perpétuo</translation>
    </message>
    <message>
        <source>&amp;Mark price line</source>
        <translation>Linha do preço de &amp;marcação</translation>
    </message>
    <message>
        <source>&amp;Index price line</source>
        <translation>Linha do preço do &amp;índice</translation>
    </message>
    <message>
        <source>&amp;Funding rate pane</source>
        <translation>Painel da taxa de &amp;funding</translation>
    </message>
    <message>
        <source>&amp;Open interest pane</source>
        <translation>Painel de contratos em &amp;aberto</translation>
    </message>
    <message>
        <source>&amp;Liquidations</source>
        <translation>&amp;Liquidações</translation>
    </message>
    <message>
        <source>Funding rate of the current period and the time to the next funding</source>
        <translation>Taxa de funding do período atual e o tempo até o próximo funding</translation>
    </message>
    <message>
        <source>Cannot open the %1 market of %2: %3</source>
        <translation>Não foi possível abrir o mercado %1 de %2: %3</translation>
    </message>
    <message>
        <source>perpetual</source>
        <translation>perpétuo</translation>
    </message>
    <message>
        <source>spot</source>
        <translation>à vista</translation>
    </message>
    <message>
        <source>Market: perpetual futures</source>
        <translation>Mercado: futuros perpétuos</translation>
    </message>
    <message>
        <source>Market: spot</source>
        <translation>Mercado: à vista</translation>
    </message>
    <message>
        <source> — the exchange asked to slow down (HTTP 429): requests wait %1 s</source>
        <translation> — a corretora pediu para reduzir o ritmo (HTTP 429): as requisições aguardam %1 s</translation>
    </message>
    <message>
        <source> — the exchange banned this IP for too many requests: no request for %1 s</source>
        <translation> — a corretora bloqueou este IP por excesso de requisições: nenhuma requisição por %1 s</translation>
    </message>
    <message>
        <source>Bar Replay at %1 UTC</source>
        <translation>Replay de barras em %1 UTC</translation>
    </message>
    <message>
        <source>feed: %1</source>
        <translation>feed: %1</translation>
    </message>
    <message>
        <source>loading older, from %1</source>
        <translation>carregando anteriores, desde %1</translation>
    </message>
</context>
<context>
    <name>cpc::app::ObjectProperties</name>
    <message>
        <source>Solid</source>
        <translation>Sólida</translation>
    </message>
    <message>
        <source>Dashed</source>
        <translation>Tracejada</translation>
    </message>
    <message>
        <source>Dotted</source>
        <translation>Pontilhada</translation>
    </message>
</context>
<context>
    <name>cpc::app::ObjectTree</name>
    <message>
        <source>Horizontal line</source>
        <translation>Linha horizontal</translation>
    </message>
    <message>
        <source>Vertical line</source>
        <translation>Linha vertical</translation>
    </message>
    <message>
        <source>Trend line</source>
        <translation>Linha de tendência</translation>
    </message>
    <message>
        <source>Ray</source>
        <translation>Raio</translation>
    </message>
    <message>
        <source>Rectangle</source>
        <translation>Retângulo</translation>
    </message>
    <message>
        <source>Fibonacci retracement</source>
        <translation>Retração de Fibonacci</translation>
    </message>
    <message>
        <source>Object tree</source>
        <translation>Árvore de objetos</translation>
    </message>
    <message>
        <source>Properties…</source>
        <translation>Propriedades…</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Excluir</translation>
    </message>
    <message>
        <source>Delete all</source>
        <translation>Excluir tudo</translation>
    </message>
    <message>
        <source>Remove every drawing and indicator of this chart (Ctrl+Z brings them back)</source>
        <translation>Remove todos os desenhos e indicadores deste gráfico (Ctrl+Z os traz de volta)</translation>
    </message>
    <message>
        <source>Drawings (%1)</source>
        <translation>Desenhos (%1)</translation>
    </message>
    <message>
        <source>Indicators (%1)</source>
        <translation>Indicadores (%1)</translation>
    </message>
    <message>
        <source>locked</source>
        <translation>travado</translation>
    </message>
    <message>
        <source>Tick to show, untick to hide; double-click for its properties</source>
        <translation>Marque para mostrar, desmarque para ocultar; clique duplo para as propriedades</translation>
    </message>
    <message>
        <source>Parallel channel</source>
        <translation>Canal paralelo</translation>
    </message>
    <message>
        <source>Text note</source>
        <translation>Nota de texto</translation>
    </message>
    <message>
        <source>Price range</source>
        <translation>Intervalo de preço</translation>
    </message>
    <message>
        <source>Date range</source>
        <translation>Intervalo de datas</translation>
    </message>
    <message>
        <source>Long position</source>
        <translation>Posição comprada</translation>
    </message>
    <message>
        <source>Short position</source>
        <translation>Posição vendida</translation>
    </message>
</context>
<context>
    <name>cpc::app::OrderBookLadder</name>
    <message>
        <source>Price</source>
        <translation>Preço</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Qtd.</translation>
    </message>
    <message>
        <source>waiting for the order book…</source>
        <translation>aguardando o livro de ofertas…</translation>
    </message>
    <message>
        <source>Spread %1 (%L2 %)</source>
        <translation>Spread %1 (%L2 %)</translation>
    </message>
    <message>
        <source>one side empty</source>
        <translation>um dos lados vazio</translation>
    </message>
</context>
<context>
    <name>cpc::app::OrderFlowFeed</name>
    <message>
        <source>Footprint history: loading %1 bars…</source>
        <translation>Histórico do footprint: carregando %1 barras…</translation>
    </message>
    <message>
        <source>Footprint history: %1 of %2 bars: %3; newer trades since %4 UTC</source>
        <translation>Histórico do footprint: %1 de %2 barras: %3; negócios mais novos desde %4 UTC</translation>
    </message>
    <message>
        <source>Footprint history: %1 of %2 bars (%3 requests)</source>
        <translation>Histórico do footprint: %1 de %2 barras (%3 requisições)</translation>
    </message>
</context>
<context>
    <name>cpc::app::PerpChart</name>
    <message>
        <source>streams: %1</source>
        <translation>streams: %1</translation>
    </message>
    <message>
        <source>Perpetual data failed: %1</source>
        <translation>Dados do perpétuo falharam: %1</translation>
    </message>
    <message>
        <source>Funding: waiting for the venue…</source>
        <translation>Funding: aguardando a corretora…</translation>
    </message>
    <message>
        <source>Funding %1 % · next in %2</source>
        <translation>Funding %1 % · próximo em %2</translation>
    </message>
    <message>
        <source>Mark price</source>
        <translation>Preço de marcação</translation>
    </message>
    <message>
        <source>Index price</source>
        <translation>Preço do índice</translation>
    </message>
    <message>
        <source>Funding rate %</source>
        <translation>Taxa de funding %</translation>
    </message>
    <message>
        <source>Open interest</source>
        <translation>Contratos em aberto</translation>
    </message>
</context>
<context>
    <name>cpc::app::RealtimeWindow</name>
    <message>
        <source>%L1 MB/s</source>
        <translation>%L1 MB/s</translation>
    </message>
    <message>
        <source>%L1 kB/s</source>
        <translation>%L1 kB/s</translation>
    </message>
    <message>
        <source>%L1 B/s</source>
        <translation>%L1 B/s</translation>
    </message>
    <message>
        <source>p50 %L1 · p99 %L2 · max %L3 ms (n=%L4)</source>
        <translation>p50 %L1 · p99 %L2 · máx %L3 ms (n=%L4)</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Fechar</translation>
    </message>
    <message>
        <source>%1; using binance</source>
        <translation>%1; usando a binance</translation>
    </message>
    <message>
        <source>window opened: %1 %2, streams from %3</source>
        <translation>janela aberta: %1 %2, streams de %3</translation>
    </message>
    <message>
        <source>Realtime test — %1</source>
        <translation>Teste em tempo real — %1</translation>
    </message>
    <message>
        <source>Realtime</source>
        <translation>Tempo real</translation>
    </message>
    <message>
        <source> Symbol </source>
        <translation> Ativo </translation>
    </message>
    <message>
        <source>  Timeframe </source>
        <translation>  Tempo gráfico </translation>
    </message>
    <message>
        <source> Streams </source>
        <translation> Streams </translation>
    </message>
    <message>
        <source>Subscribe or unsubscribe this stream live, on the open connection</source>
        <translation>Assinar ou cancelar este stream ao vivo, na conexão aberta</translation>
    </message>
    <message>
        <source>Force reconnect</source>
        <translation>Forçar reconexão</translation>
    </message>
    <message>
        <source>Drop both connections now: they reconnect and backfill what they missed</source>
        <translation>Derrubar as duas conexões agora: elas reconectam e recuperam o que perderam</translation>
    </message>
    <message>
        <source>Feed health</source>
        <translation>Saúde do feed</translation>
    </message>
    <message>
        <source>Stream</source>
        <translation>Stream</translation>
    </message>
    <message>
        <source>msgs/s</source>
        <translation>msgs/s</translation>
    </message>
    <message>
        <source>bytes/s</source>
        <translation>bytes/s</translation>
    </message>
    <message>
        <source>messages</source>
        <translation>mensagens</translation>
    </message>
    <message>
        <source>All streams</source>
        <translation>Todos os streams</translation>
    </message>
    <message>
        <source>Event → receipt</source>
        <translation>Evento → recebimento</translation>
    </message>
    <message>
        <source>Event → paint</source>
        <translation>Evento → desenho</translation>
    </message>
    <message>
        <source>GUI frame</source>
        <translation>Quadro da interface</translation>
    </message>
    <message>
        <source>Reconnects</source>
        <translation>Reconexões</translation>
    </message>
    <message>
        <source>Clock offset</source>
        <translation>Diferença de relógio</translation>
    </message>
    <message>
        <source>Last error</source>
        <translation>Último erro</translation>
    </message>
    <message>
        <source>State log</source>
        <translation>Registro de estados</translation>
    </message>
    <message>
        <source>24h ticker</source>
        <translation>Ticker 24h</translation>
    </message>
    <message>
        <source>Last</source>
        <translation>Último</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>Variação</translation>
    </message>
    <message>
        <source>High</source>
        <translation>Máxima</translation>
    </message>
    <message>
        <source>Low</source>
        <translation>Mínima</translation>
    </message>
    <message>
        <source>Volume</source>
        <translation>Volume</translation>
    </message>
    <message>
        <source>Quote vol.</source>
        <translation>Vol. financeiro</translation>
    </message>
    <message>
        <source>Best bid</source>
        <translation>Melhor compra</translation>
    </message>
    <message>
        <source>Best ask</source>
        <translation>Melhor venda</translation>
    </message>
    <message>
        <source>Order book</source>
        <translation>Livro de ofertas</translation>
    </message>
    <message>
        <source>Trades</source>
        <translation>Negócios</translation>
    </message>
    <message>
        <source>– trades/s</source>
        <translation>– negócios/s</translation>
    </message>
    <message>
        <source>keep</source>
        <translation>manter</translation>
    </message>
    <message>
        <source> rows</source>
        <translation> linhas</translation>
    </message>
    <message>
        <source>How many of the newest trades the table keeps</source>
        <translation>Quantos dos negócios mais recentes a tabela mantém</translation>
    </message>
    <message>
        <source>unknown time zone &quot;%1&quot;; trade times are in UTC</source>
        <translation>fuso horário desconhecido &quot;%1&quot;; os horários dos negócios estão em UTC</translation>
    </message>
    <message>
        <source>subscribe %1</source>
        <translation>assinar %1</translation>
    </message>
    <message>
        <source>unsubscribe %1</source>
        <translation>cancelar assinatura %1</translation>
    </message>
    <message>
        <source>unknown symbol %1</source>
        <translation>ativo desconhecido %1</translation>
    </message>
    <message>
        <source>symbol %1</source>
        <translation>ativo %1</translation>
    </message>
    <message>
        <source>timeframe %1</source>
        <translation>tempo gráfico %1</translation>
    </message>
    <message>
        <source>force reconnect: dropping the venue connection</source>
        <translation>reconexão forçada: derrubando a conexão com a corretora</translation>
    </message>
    <message>
        <source>Loading %1 %2…</source>
        <translation>Carregando %1 %2…</translation>
    </message>
    <message>
        <source>chart feed: backfill done (%1 candles over REST)</source>
        <translation>feed do gráfico: preenchimento concluído (%1 velas via REST)</translation>
    </message>
    <message>
        <source>chart feed: history loaded (%1 candles)</source>
        <translation>feed do gráfico: histórico carregado (%1 velas)</translation>
    </message>
    <message>
        <source>%1 error: %2</source>
        <translation>erro em %1: %2</translation>
    </message>
    <message>
        <source>chart feed</source>
        <translation>feed do gráfico</translation>
    </message>
    <message>
        <source>stream session</source>
        <translation>sessão de streams</translation>
    </message>
    <message>
        <source> (retry in %L1 ms)</source>
        <translation> (nova tentativa em %L1 ms)</translation>
    </message>
    <message>
        <source>%L1 trades/s · %L2 received · newest on top</source>
        <translation>%L1 negócios/s · %L2 recebidos · mais recentes no topo</translation>
    </message>
    <message>
        <source>%L1 msgs/s · %2 · %3</source>
        <translation>%L1 msgs/s · %2 · %3</translation>
    </message>
    <message>
        <source>connected</source>
        <translation>conectado</translation>
    </message>
    <message>
        <source>disconnected</source>
        <translation>desconectado</translation>
    </message>
    <message>
        <source>apply p50 %L1 · p99 %L2 · max %L3 ms, %L4 frames/s</source>
        <translation>aplicação p50 %L1 · p99 %L2 · máx %L3 ms, %L4 quadros/s</translation>
    </message>
    <message>
        <source>%L1 · gaps backfilled %L2 · frames rejected %L3 · book resyncs %L4</source>
        <translation>%L1 · lacunas preenchidas %L2 · quadros rejeitados %L3 · ressincronizações do livro %L4</translation>
    </message>
    <message>
        <source>%L1 ms (exchange − local, from %2)</source>
        <translation>%L1 ms (corretora − local, de %2)</translation>
    </message>
    <message>
        <source>not measured yet</source>
        <translation>ainda não medido</translation>
    </message>
    <message>
        <source>none</source>
        <translation>nenhum</translation>
    </message>
    <message>
        <source>Simulator</source>
        <translation>Simulador</translation>
    </message>
    <message>
        <source>Liquidations</source>
        <translation>Liquidações</translation>
    </message>
    <message>
        <source>the replay went back: starting over from the recording&apos;s start</source>
        <translation>o replay voltou: recomeçando do início da gravação</translation>
    </message>
</context>
<context>
    <name>cpc::app::ReplayPlayer</name>
    <message>
        <source>the start</source>
        <translation>o início</translation>
    </message>
    <message>
        <source>as fast as possible</source>
        <translation>o mais rápido possível</translation>
    </message>
    <message>
        <source>%1×</source>
        <translation>%1×</translation>
    </message>
    <message>
        <source>Replay: waiting for the chart</source>
        <translation>Replay: aguardando o gráfico</translation>
    </message>
    <message>
        <source>Replay %1 · %2</source>
        <translation>Replay %1 · %2</translation>
    </message>
    <message>
        <source>Replay paused at %1</source>
        <translation>Replay pausado em %1</translation>
    </message>
    <message>
        <source>Replay ended at %1 — %2</source>
        <translation>Replay terminado em %1 — %2</translation>
    </message>
    <message>
        <source>Replay ended at %1 (%2 frames)</source>
        <translation>Replay terminado em %1 (%2 frames)</translation>
    </message>
    <message>
        <source>Replay stopped at %1 — damaged recording: %2</source>
        <translation>Replay interrompido em %1 — gravação danificada: %2</translation>
    </message>
    <message>
        <source>the replay has not started</source>
        <translation>o replay não começou</translation>
    </message>
    <message>
        <source>%1 is before the recording&apos;s start: going to its start, %2</source>
        <translation>%1 é antes do início da gravação: indo para o início, %2</translation>
    </message>
    <message>
        <source>%1 is after the recording&apos;s end (%2)</source>
        <translation>%1 é depois do fim da gravação (%2)</translation>
    </message>
    <message>
        <source>Seeking to %1</source>
        <translation>Buscando %1</translation>
    </message>
</context>
<context>
    <name>cpc::app::ReplayToolbar</name>
    <message>
        <source>Replay</source>
        <translation>Replay</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>Pausar</translation>
    </message>
    <message>
        <source>Pause or resume the replay</source>
        <translation>Pausar ou retomar o replay</translation>
    </message>
    <message>
        <source>Next frame</source>
        <translation>Próximo frame</translation>
    </message>
    <message>
        <source>Play the next recorded frame</source>
        <translation>Reproduzir o próximo frame gravado</translation>
    </message>
    <message>
        <source>Next second</source>
        <translation>Próximo segundo</translation>
    </message>
    <message>
        <source>Play the next second of the recording</source>
        <translation>Reproduzir o próximo segundo da gravação</translation>
    </message>
    <message>
        <source>A time of the recording to go to (UTC)</source>
        <translation>Um horário da gravação para onde ir (UTC)</translation>
    </message>
    <message>
        <source>Go</source>
        <translation>Ir</translation>
    </message>
    <message>
        <source>Replay speed (times the recorded pace)</source>
        <translation>Velocidade do replay (vezes o ritmo gravado)</translation>
    </message>
    <message>
        <source>%1×</source>
        <translation>%1×</translation>
    </message>
    <message>
        <source>max</source>
        <translation>máx.</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>Retomar</translation>
    </message>
    <message>
        <source>Go to this time of the recording: forward at once, back by playing it again from its start</source>
        <translation>Ir para este momento da gravação: para frente de imediato, para trás reproduzindo-a de novo desde o início</translation>
    </message>
</context>
<context>
    <name>cpc::app::SessionRecorder</name>
    <message>
        <source>● REC %1 MB · %2:%3</source>
        <translation>● REC %1 MB · %2:%3</translation>
    </message>
    <message>
        <source>Recording stopped: %1</source>
        <translation>Gravação interrompida: %1</translation>
    </message>
    <message>
        <source>&amp;Record…</source>
        <translation>&amp;Gravar…</translation>
    </message>
    <message>
        <source>Record the active chart&apos;s market streams into a folder (cpc replay or --replay plays it)</source>
        <translation>Gravar os streams de mercado do gráfico ativo em uma pasta (cpc replay ou --replay a reproduz)</translation>
    </message>
    <message>
        <source>Recording</source>
        <translation>Gravação</translation>
    </message>
    <message>
        <source>Folder for the recording</source>
        <translation>Pasta para a gravação</translation>
    </message>
    <message>
        <source>Could not start the recording: %1</source>
        <translation>Não foi possível iniciar a gravação: %1</translation>
    </message>
    <message>
        <source>Stop &amp;recording</source>
        <translation>Parar a &amp;gravação</translation>
    </message>
</context>
<context>
    <name>cpc::app::SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>Configurações</translation>
    </message>
    <message>
        <source>Exchange</source>
        <translation>Corretora</translation>
    </message>
    <message>
        <source>Endpoints</source>
        <translation>Endereços</translation>
    </message>
    <message>
        <source>REST URL</source>
        <translation>URL REST</translation>
    </message>
    <message>
        <source>Stream URL</source>
        <translation>URL de stream</translation>
    </message>
    <message>
        <source>none: the system certificate store only</source>
        <translation>nenhum: só os certificados do sistema</translation>
    </message>
    <message>
        <source>Extra CA file (PEM)</source>
        <translation>Arquivo de CA extra (PEM)</translation>
    </message>
    <message>
        <source>CA certificates</source>
        <translation>Certificados de CA</translation>
    </message>
    <message>
        <source>PEM files (*.pem *.crt);;All files (*)</source>
        <translation>Arquivos PEM (*.pem *.crt);;Todos os arquivos (*)</translation>
    </message>
    <message>
        <source>default: the per-user data folder</source>
        <translation>padrão: a pasta de dados do usuário</translation>
    </message>
    <message>
        <source>Candle cache folder</source>
        <translation>Pasta do cache de velas</translation>
    </message>
    <message>
        <source> MB</source>
        <translation> MB</translation>
    </message>
    <message>
        <source>Candles kept in memory for instant switching; over the budget the least recently used series are dropped (they stay in the cache file).</source>
        <translation>Velas mantidas na memória para a troca instantânea; acima do limite, as séries usadas há mais tempo saem da memória (continuam no arquivo de cache).</translation>
    </message>
    <message>
        <source>Memory budget</source>
        <translation>Limite de memória</translation>
    </message>
    <message>
        <source>Time zone</source>
        <translation>Fuso horário</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>Escuro</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>Claro</translation>
    </message>
    <message>
        <source>Theme</source>
        <translation>Tema</translation>
    </message>
    <message>
        <source>System (%1)</source>
        <translation>Sistema (%1)</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Idioma</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>%1 market data only (%2)</source>
        <translation>%1 só dados de mercado (%2)</translation>
    </message>
    <message>
        <source>%1 Spot testnet (%2)</source>
        <translation>%1 testnet Spot (%2)</translation>
    </message>
    <message>
        <source>Custom</source>
        <translation>Personalizado</translation>
    </message>
    <message>
        <source>%1 REST</source>
        <translation>%1 REST</translation>
    </message>
    <message>
        <source>%1 Stream</source>
        <translation>Stream %1</translation>
    </message>
    <message>
        <source>CA file &quot;%1&quot; does not exist</source>
        <translation>o arquivo de CA &quot;%1&quot; não existe</translation>
    </message>
    <message>
        <source>cache folder &quot;%1&quot; cannot be created</source>
        <translation>não foi possível criar a pasta do cache &quot;%1&quot;</translation>
    </message>
    <message>
        <source>unknown time zone &quot;%1&quot;: use UTC, local or an IANA name such as Europe/Berlin</source>
        <translation>fuso horário desconhecido &quot;%1&quot;: use UTC, local ou um nome IANA como America/Sao_Paulo</translation>
    </message>
    <message>
        <source>Spot</source>
        <translation>À vista</translation>
    </message>
    <message>
        <source>Perpetual futures</source>
        <translation>Futuros perpétuos</translation>
    </message>
    <message>
        <source>Market</source>
        <translation>Mercado</translation>
    </message>
    <message>
        <source>Endpoints take effect at the next start or when the toolbar switches to that exchange or market; the CA file and the cache folder at the next start. Memory budget, time zone and theme apply at once; the language at the next start.</source>
        <translation>Os endereços valem a partir do próximo início ou quando a barra de ferramentas troca para essa corretora ou mercado; o arquivo de CA e a pasta do cache, no próximo início. Limite de memória, fuso horário e tema valem na hora; o idioma, no próximo início.</translation>
    </message>
    <message>
        <source>%1 has no perpetual futures here</source>
        <translation>%1 não tem futuros perpétuos aqui</translation>
    </message>
    <message>
        <source>%1 perpetual futures (%2)</source>
        <translation>%1 futuros perpétuos (%2)</translation>
    </message>
    <message>
        <source>%1 perpetual futures testnet (%2)</source>
        <translation>%1 testnet de futuros perpétuos (%2)</translation>
    </message>
    <message>
        <source>%1 perpetual REST</source>
        <translation>%1 REST do perpétuo</translation>
    </message>
    <message>
        <source>%1 perpetual Stream</source>
        <translation>%1 Stream do perpétuo</translation>
    </message>
</context>
<context>
    <name>cpc::app::StudyPropertiesDialog</name>
    <message>
        <source>%1 properties</source>
        <translation>Propriedades de %1</translation>
    </message>
    <message>
        <source>Colour</source>
        <translation>Cor</translation>
    </message>
    <message>
        <source>e.g. 30, 70</source>
        <translation>p. ex. 30, 70</translation>
    </message>
    <message>
        <source>Horizontal reference lines across the indicator&apos;s pane, separated by commas</source>
        <translation>Linhas horizontais de referência no painel do indicador, separadas por vírgulas</translation>
    </message>
    <message>
        <source>Levels</source>
        <translation>Níveis</translation>
    </message>
    <message>
        <source>Levels are drawn in an indicator&apos;s own pane; this one is over the candles</source>
        <translation>Os níveis são desenhados no painel próprio do indicador; este está sobre as velas</translation>
    </message>
    <message>
        <source>Visible</source>
        <translation>Visível</translation>
    </message>
    <message>
        <source>Levels must be numbers separated by commas, e.g. 30, 70</source>
        <translation>Os níveis devem ser números separados por vírgulas, p. ex. 30, 70</translation>
    </message>
</context>
<context>
    <name>cpc::app::TradesTableModel</name>
    <message>
        <source>Buy</source>
        <translation>Compra</translation>
    </message>
    <message>
        <source>Sell</source>
        <translation>Venda</translation>
    </message>
    <message>
        <source>Trade %1%2</source>
        <translation>Negócio %1%2</translation>
    </message>
    <message>
        <source>: the buyer was the taker</source>
        <translation>: o comprador foi o agressor</translation>
    </message>
    <message>
        <source>: the seller was the taker</source>
        <translation>: o vendedor foi o agressor</translation>
    </message>
    <message>
        <source>Time (%1)</source>
        <translation>Hora (%1)</translation>
    </message>
    <message>
        <source>Price</source>
        <translation>Preço</translation>
    </message>
    <message>
        <source>Quantity</source>
        <translation>Quantidade</translation>
    </message>
    <message>
        <source>Taker</source>
        <translation>Agressor</translation>
    </message>
</context>
<context>
    <name>cpc::app::WatchlistDock</name>
    <message>
        <source>type a symbol: EXCHANGE:SYMBOL (binance:BTCUSDT) or SYMBOL for the active chart&apos;s exchange</source>
        <translation>digite um símbolo: CORRETORA:SÍMBOLO (binance:BTCUSDT) ou SÍMBOLO para a corretora do gráfico ativo</translation>
    </message>
    <message>
        <source>unknown exchange &quot;%1&quot;; accepted: %2</source>
        <translation>corretora desconhecida &quot;%1&quot;; aceitas: %2</translation>
    </message>
    <message>
        <source>&quot;%1&quot; names no exchange: write EXCHANGE:%1</source>
        <translation>&quot;%1&quot; não indica corretora: escreva CORRETORA:%1</translation>
    </message>
    <message>
        <source>Symbol</source>
        <translation>Símbolo</translation>
    </message>
    <message>
        <source>Last</source>
        <translation>Último</translation>
    </message>
    <message>
        <source>Chg %</source>
        <translation>Var. %</translation>
    </message>
    <message>
        <source>Vol 24h</source>
        <translation>Vol. 24h</translation>
    </message>
    <message>
        <source>Day</source>
        <translation>Dia</translation>
    </message>
    <message>
        <source>Traded in the last 24 hours, in the quote asset (USDT for BTCUSDT)</source>
        <translation>Negociado nas últimas 24 horas, no ativo de cotação (USDT para BTCUSDT)</translation>
    </message>
    <message>
        <source>The price 24 hours ago, then each minute&apos;s last price since the symbol is watched</source>
        <translation>O preço de 24 horas atrás, depois o último preço de cada minuto desde que o símbolo é observado</translation>
    </message>
    <message>
        <source>unreachable</source>
        <translation>inacessível</translation>
    </message>
    <message>
        <source>no ticker yet (does the exchange list this symbol?)</source>
        <translation>nenhum ticker ainda (a corretora lista este símbolo?)</translation>
    </message>
    <message>
        <source>Watchlist</source>
        <translation>Lista de observação</translation>
    </message>
    <message>
        <source>&amp;Watchlist</source>
        <translation>&amp;Lista de observação</translation>
    </message>
    <message>
        <source>The list shown</source>
        <translation>A lista exibida</translation>
    </message>
    <message>
        <source>Lists, import and export, row order</source>
        <translation>Listas, importar e exportar, ordem das linhas</translation>
    </message>
    <message>
        <source>New list…</source>
        <translation>Nova lista…</translation>
    </message>
    <message>
        <source>New watchlist</source>
        <translation>Nova lista de observação</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>Nome:</translation>
    </message>
    <message>
        <source>A list needs a name no other list has</source>
        <translation>Uma lista precisa de um nome que nenhuma outra lista tenha</translation>
    </message>
    <message>
        <source>Rename list…</source>
        <translation>Renomear lista…</translation>
    </message>
    <message>
        <source>Rename watchlist</source>
        <translation>Renomear lista de observação</translation>
    </message>
    <message>
        <source>Delete list</source>
        <translation>Excluir lista</translation>
    </message>
    <message>
        <source>The last list cannot be deleted</source>
        <translation>A última lista não pode ser excluída</translation>
    </message>
    <message>
        <source>Import…</source>
        <translation>Importar…</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>Exportar…</translation>
    </message>
    <message>
        <source>List order</source>
        <translation>Ordem da lista</translation>
    </message>
    <message>
        <source>Add: EXCHANGE:SYMBOL or SYMBOL</source>
        <translation>Adicionar: CORRETORA:SÍMBOLO ou SÍMBOLO</translation>
    </message>
    <message>
        <source>Open in the active chart</source>
        <translation>Abrir no gráfico ativo</translation>
    </message>
    <message>
        <source>Move up</source>
        <translation>Mover para cima</translation>
    </message>
    <message>
        <source>Move down</source>
        <translation>Mover para baixo</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Remover</translation>
    </message>
    <message>
        <source>Not added: %1</source>
        <translation>Não adicionado: %1</translation>
    </message>
    <message>
        <source>%1 is already in the list</source>
        <translation>%1 já está na lista</translation>
    </message>
    <message>
        <source>line %1 (%2): %3</source>
        <translation>linha %1 (%2): %3</translation>
    </message>
    <message>
        <source>listed twice</source>
        <translation>listado duas vezes</translation>
    </message>
    <message numerus="yes">
        <source>Imported %n symbol(s)</source>
        <translation>
            <numerusform>%n símbolo importado</numerusform>
            <numerusform>%n símbolos importados</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n line(s) skipped:</source>
        <translation>
            <numerusform>%n linha ignorada:</numerusform>
            <numerusform>%n linhas ignoradas:</numerusform>
        </translation>
    </message>
    <message>
        <source>Import a watchlist</source>
        <translation>Importar uma lista de observação</translation>
    </message>
    <message>
        <source>Text files (*.txt);;All files (*)</source>
        <translation>Arquivos de texto (*.txt);;Todos os arquivos (*)</translation>
    </message>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>Não foi possível ler %1: %2</translation>
    </message>
    <message>
        <source>Export the watchlist</source>
        <translation>Exportar a lista de observação</translation>
    </message>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>Não foi possível gravar %1: %2</translation>
    </message>
    <message numerus="yes">
        <source>Exported %n symbol(s) to %1</source>
        <translation>
            <numerusform>%n símbolo exportado para %1</numerusform>
            <numerusform>%n símbolos exportados para %1</numerusform>
        </translation>
    </message>
    <message>
        <source>reconnecting in %1 s</source>
        <translation>reconectando em %1 s</translation>
    </message>
</context>
<context>
    <name>cpc::chart_qt::ChartCanvas</name>
    <message>
        <source>No data</source>
        <translation>Sem dados</translation>
    </message>
</context>
</TS>
