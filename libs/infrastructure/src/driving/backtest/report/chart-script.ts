/**
 * The page's own script: builds the chart from the embedded data (chart-data.ts) with the inlined
 * Lightweight Charts — candles with entry/exit markers and stop lines, equity and drawdown panes
 * on one time scale, so the library's zoom and scroll move all three together. When it is done it
 * stamps <body> with what it drew (data-chart="ready", data-markers read back from the library,
 * data-bars), for people inspecting the page and for the browser spec. Plain ES2017: it runs in
 * the browser, not through our build.
 */
export const CHART_SCRIPT = `(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('chart-data').textContent);
  var LC = window.LightweightCharts;
  var body = document.body;
  var el = document.getElementById('chart');
  var chart = LC.createChart(el, {
    autoSize: true,
    layout: { background: { type: 'solid', color: '#ffffff' }, textColor: '#333', attributionLogo: true, panes: { separatorColor: '#ccc' } },
    grid: { vertLines: { color: '#f0f0f0' }, horzLines: { color: '#f0f0f0' } },
    // The default minimum of half a pixel a bar stops "fit all" at ~2,000 bars; a run has up to 20,000.
    timeScale: { timeVisible: true, secondsVisible: false, borderColor: '#ccc', minBarSpacing: 0.01 },
    rightPriceScale: { borderColor: '#ccc' },
    localization: { locale: 'en-US' }
  });
  var price = data.ohlc
    ? chart.addSeries(LC.CandlestickSeries, { upColor: '#26a69a', downColor: '#ef5350', borderVisible: false, wickUpColor: '#26a69a', wickDownColor: '#ef5350', title: 'price' }, 0)
    : chart.addSeries(LC.LineSeries, { color: '#555', lineWidth: 1, title: 'price' }, 0);
  price.setData(data.bars.map(function (b) {
    return data.ohlc ? { time: b[0], open: b[1], high: b[2], low: b[3], close: b[4] } : { time: b[0], value: b[4] };
  }));
  // A line series joins its points across whitespace, which would draw a stop from one round trip
  // to the next. So a bar without a level carries the next round trip's level in a transparent
  // colour (a segment takes the colour of the point it leads to): no line between round trips,
  // no jump at the next entry.
  // No title on the scale: its label would sit at the last level even after the position closed.
  function levels(values, colour) {
    var s = chart.addSeries(LC.LineSeries, { color: colour, lineWidth: 1, lineType: 1, lineStyle: 2, priceLineVisible: false, lastValueVisible: false, crosshairMarkerVisible: false }, 0);
    var ahead = new Array(values.length);
    var next = null;
    for (var i = values.length - 1; i >= 0; i--) { if (values[i] !== null) next = values[i]; ahead[i] = next; }
    var prev = null;
    s.setData(data.bars.map(function (b, i) {
      if (values[i] !== null) { prev = values[i]; return { time: b[0], value: values[i] }; }
      var v = ahead[i] !== null ? ahead[i] : prev;
      return v === null ? { time: b[0] } : { time: b[0], value: v, color: 'transparent' };
    }));
    return s;
  }
  levels(data.stop, '#d62728');
  levels(data.trail, '#ff7f0e');
  // Hundreds of labels would cover the candles: beyond LABELLED markers only the arrows are drawn.
  var LABELLED = 300;
  var labelled = data.markers.length <= LABELLED;
  var markers = LC.createSeriesMarkers(price, data.markers.map(function (m) {
    var exit = m.kind === 'exit';
    return {
      time: m.time,
      position: exit ? 'aboveBar' : 'belowBar',
      shape: exit ? 'arrowDown' : 'arrowUp',
      color: exit ? (/-/.test(m.text) ? '#d62728' : '#2e7d32') : (m.kind === 'open' ? '#7e57c2' : '#1565c0'),
      text: labelled ? m.text : undefined
    };
  }));
  var equity = chart.addSeries(LC.LineSeries, { color: '#1f77b4', lineWidth: 2, title: 'equity', priceLineVisible: false }, 1);
  equity.setData(data.equity.map(function (p) { return { time: p[0], value: p[1] }; }));
  var drawdown = chart.addSeries(LC.AreaSeries, {
    lineColor: '#d62728', topColor: 'rgba(214, 39, 40, 0.35)', bottomColor: 'rgba(214, 39, 40, 0.05)', invertFilledArea: true, lineWidth: 1,
    title: 'drawdown %', priceLineVisible: false,
    priceFormat: { type: 'custom', formatter: function (v) { return v.toFixed(2) + ' %'; } }
  }, 2);
  drawdown.setData(data.drawdown.map(function (p) { return { time: p[0], value: p[1] }; }));
  var panes = chart.panes();
  panes[0].setStretchFactor(3);
  panes[1].setStretchFactor(1.3);
  panes[2].setStretchFactor(1);
  chart.timeScale().fitContent();
  document.getElementById('reset-zoom').addEventListener('click', function () { chart.timeScale().fitContent(); });
  body.setAttribute('data-markers', String(markers.markers().length));
  body.setAttribute('data-bars', String(price.data().length));
  body.setAttribute('data-chart', 'ready');
})();
`;
