import {
  CandlestickSeries,
  createSeriesMarkers,
  type IChartApi,
  type IPriceLine,
  type ISeriesApi,
  type ISeriesMarkersPluginApi,
  type Time,
} from 'lightweight-charts';
import { api, type ChartView } from '../api';
import { byTestId, el } from '../dom';
import { chartIn, chartTime, plotValue } from './charts';

let chart: IChartApi | null = null;
let candles: ISeriesApi<'Candlestick'> | null = null;
let markers: ISeriesMarkersPluginApi<Time> | null = null;
let lines: IPriceLine[] = [];

/** The symbol's candles with the bot's entries (▲) and exits (▼), and its entry, stop and trailing levels. */
export async function refreshPriceChart(symbol: string): Promise<void> {
  const c = await api.get<ChartView>(`/api/candles?symbol=${encodeURIComponent(symbol)}&limit=300`);
  const pane = byTestId('price-chart');
  pane.querySelector('h2')!.textContent = `price · ${c.symbol}`;
  const box = pane.querySelector<HTMLElement>('.chart') ?? pane.appendChild(el('div', { class: 'chart' }));
  if (!chart) {
    chart = chartIn(box);
    candles = chart.addSeries(CandlestickSeries, {
      upColor: '#3fb950',
      downColor: '#f85149',
      wickUpColor: '#3fb950',
      wickDownColor: '#f85149',
      borderVisible: false,
    });
    markers = createSeriesMarkers(candles, []);
  }
  candles!.setData(c.candles.map((k) => ({ time: chartTime(k.ts), open: k.open, high: k.high, low: k.low, close: k.close })));
  const first = c.candles[0]?.ts ?? 0;
  const tf = c.candles.length > 1 ? c.candles[1]!.ts - first : 60_000;
  // A marker sits on the candle its fill happened in.
  const bar = (ts: number) => chartTime(first + Math.floor((ts - first) / tf) * tf);
  markers!.setMarkers(
    c.markers
      .filter((m) => m.ts >= first)
      .map((m) =>
        m.side === 'buy'
          ? { time: bar(m.ts), position: 'belowBar' as const, shape: 'arrowUp' as const, color: '#3fb950', text: 'buy' }
          : { time: bar(m.ts), position: 'aboveBar' as const, shape: 'arrowDown' as const, color: '#f85149', text: 'sell' },
      ),
  );
  for (const l of lines) candles!.removePriceLine(l);
  lines = [];
  const level = (price: string | null, title: string, color: string) => {
    if (price) lines.push(candles!.createPriceLine({ price: plotValue(price), color, title, lineWidth: 1, lineStyle: 2, axisLabelVisible: true }));
  };
  level(c.avgEntry, 'entry', '#8b949e');
  level(c.stopPrice, 'stop', '#f85149');
  level(c.trailingStopPrice, 'trailing', '#d29922');
  pane.dataset['candles'] = String(c.candles.length);
  pane.dataset['markers'] = String(c.markers.length);
}
