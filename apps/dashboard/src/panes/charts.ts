import { createChart, type DeepPartial, type ChartOptions, type IChartApi } from 'lightweight-charts';

/**
 * lightweight-charts (TradingView, Apache-2.0): canvas charts in ~45 KB, no dependencies, bundled
 * with the page so it works offline. Its licence asks for TradingView's attribution notice and a
 * link to tradingview.com on the page: index.html's footer carries both, always visible. The
 * chart's own attribution logo is off because it injects an inline <style>, which the server's
 * self-only Content-Security-Policy (libs/infrastructure/src/driving/http/security-headers.ts) refuses.
 */
export function chartIn(container: HTMLElement, options: DeepPartial<ChartOptions> = {}): IChartApi {
  return createChart(container, {
    autoSize: true,
    layout: { background: { color: '#111418' }, textColor: '#c9d1d9', attributionLogo: false },
    grid: { vertLines: { color: '#1d232b' }, horzLines: { color: '#1d232b' } },
    timeScale: { timeVisible: true, secondsVisible: false },
    ...options,
  });
}

/** Epoch ms → the chart's time (UTC seconds). */
export const chartTime = (ms: number) => Math.floor(ms / 1000) as import('lightweight-charts').UTCTimestamp;

/**
 * A decimal string as the chart's y value. The only place an amount becomes a float: to be drawn,
 * never to be computed with (docs/core.md: money is decimal).
 */
export const plotValue = (s: string): number => Number(s);
