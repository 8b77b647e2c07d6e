import { LineSeries, type IChartApi, type ISeriesApi } from 'lightweight-charts';
import { api, type PerformanceView } from '../api';
import { byTestId, el, facts } from '../dom';
import { cutDecimal, fractionAsPercent } from '../format';
import { chartIn, chartTime, plotValue } from './charts';

let chart: IChartApi | null = null;
let line: ISeriesApi<'Line'> | null = null;

/** Net PnL since the first fill (realized − fees, per fill), and the all-time figures: PnL, fees, win rate. */
export async function refreshEquity(): Promise<void> {
  const p = await api.get<PerformanceView>('/api/performance');
  const pane = byTestId('equity-chart');
  const summary = pane.querySelector<HTMLElement>('.summary') ?? pane.appendChild(el('div', { class: 'summary' }));
  const a = p.allTime;
  summary.replaceChildren(
    facts([
      ['all time', `${cutDecimal(a.netQuote, 4)} net · ${cutDecimal(a.realizedQuote, 4)} realized · ${cutDecimal(a.feesQuote, 4)} fees`],
      ['round trips', `${a.closedTrades} (${a.wins} won, ${a.losses} lost) · win rate ${fractionAsPercent(a.winRate)}`],
    ]),
  );
  const box = pane.querySelector<HTMLElement>('.chart') ?? pane.appendChild(el('div', { class: 'chart' }));
  if (!chart) {
    chart = chartIn(box);
    line = chart.addSeries(LineSeries, { color: '#3fb950', lineWidth: 2 });
  }
  // One point per second at most (the chart needs strictly increasing times): the last value of that second wins.
  const bySecond = new Map<number, number>();
  for (const e of p.equity) bySecond.set(chartTime(e.ts), plotValue(e.value));
  line!.setData([...bySecond].map(([time, value]) => ({ time: time as ReturnType<typeof chartTime>, value })));
  pane.dataset['points'] = String(bySecond.size);
}
