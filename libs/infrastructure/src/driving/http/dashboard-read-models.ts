import type { AuditLog, AuditRecord, Broker, FillsRepository, HaltCode, MarketData, OrdersRepository, PositionsRepository } from '@cab/application';
import { str, ZERO, type Decimal } from '@cab/domain';
import type { DustSource } from '../reports/dust-source';
import type { BotSummary } from '../../driven/storage/tables/bot-list';
import { pnlHistory, summarize, type PnlSummary } from '../reports/pnl-history';
import type { SafetySnapshot } from './safety-tracker';
import { tradeView, type TradeView } from './read-models';

export interface HaltView {
  code: HaltCode;
  level: string;
  reason: string;
  since: number;
}

export interface BalanceView {
  symbol: string;
  base: string;
  quote: string;
  freeBase: string;
  usedBase: string;
  freeQuote: string;
  usedQuote: string;
}

export interface EquityPoint {
  ts: number;
  /** Net PnL in quote since the first recorded fill: realized minus fees, summed over the symbols. */
  value: string;
}

/** Realised PnL, fees, net and round trips since the first recorded fill. */
export type AllTimeSummary = PnlSummary;

export interface CandleView {
  ts: number;
  open: number;
  high: number;
  low: number;
  close: number;
}

export interface TradeMarker {
  ts: number;
  side: string;
  price: string;
  clientOrderId: string;
  reason: string | null;
}

export interface ChartView {
  symbol: string;
  candles: CandleView[];
  markers: TradeMarker[];
  stopPrice: string | null;
  trailingStopPrice: string | null;
  avgEntry: string | null;
}

export interface DecisionView {
  ts: number;
  symbol: string | null;
  correlationId: string | null;
  action: string;
  strategy: string | null;
  signalReasons: string[];
  /** null when the signal had no verdict (a hold, or skipped before risk). */
  risk: { ok: boolean; side: string; refusals: RefusalView[]; limits: Record<string, string> } | null;
}

/** One refused rule: its code, its message, and its threshold and the value it observed (decimal strings; null when the rule has none). */
export interface RefusalView {
  rule: string;
  message: string;
  limit: string | null;
  observed: string | null;
}

export interface DashboardReadModelsOptions {
  orders: OrdersRepository;
  fills: FillsRepository;
  positions: PositionsRepository;
  audit: AuditLog;
  broker: Pick<Broker, 'fetchBalance'>;
  marketData: MarketData;
  symbols: readonly string[];
  dust?: DustSource;
  safety: () => SafetySnapshot;
  /** Dead letters stored (not yet replayed) and dead-lettered since start. */
  deadLetters: () => Promise<{ stored: number; sinceStart: number }>;
  /** The account lock (live mode) or null. */
  lock: () => { holder: string; since: number } | null;
  /** This bot's BOT_ID, marked in the bot list. */
  botId: string;
  /** Every bot of the database (Storage.bots). */
  bots: () => Promise<BotSummary[]>;
}

/** The database's bots, read-only; `current` is the BOT_ID of the bot serving the page. */
export interface BotsView {
  current: string;
  bots: (BotSummary & { current: boolean })[];
}

export interface DashboardReadModels {
  openOrders(): Promise<TradeView[]>;
  balances(): Promise<{ balances: BalanceView[]; errors: string[] }>;
  performance(): Promise<{ equity: EquityPoint[]; allTime: AllTimeSummary; warnings: string[] }>;
  chart(symbol: string, limit: number): Promise<ChartView | null>;
  decisions(limit: number): Promise<DecisionView[]>;
  bots(limit: number): Promise<BotsView>;
  safety(): Promise<SafetySnapshot & { lock: { holder: string; since: number } | null; deadLetters: { stored: number; sinceStart: number } }>;
}

const opt = (d: Decimal | null | undefined): string | null => (d ? str(d) : null);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);

/**
 * The dashboard's read models over the stores, the broker and the market data. Amounts are decimal
 * strings; candle prices are the market data's floats (indicators' numbers, docs/core.md), drawn only.
 */
export function dashboardReadModels(o: DashboardReadModelsOptions): DashboardReadModels {
  return {
    async openOrders() {
      return (await o.orders.open()).map(tradeView);
    },

    async balances() {
      const balances: BalanceView[] = [];
      const errors: string[] = [];
      for (const symbol of o.symbols) {
        const b = await o.broker.fetchBalance(symbol);
        if (!b.ok) errors.push(`${symbol}: ${b.error.code}`);
        else
          balances.push({
            symbol,
            base: b.value.base,
            quote: b.value.quote,
            freeBase: str(b.value.freeBase),
            usedBase: str(b.value.usedBase),
            freeQuote: str(b.value.freeQuote),
            usedQuote: str(b.value.usedQuote),
          });
      }
      return { balances, errors };
    },

    async performance() {
      // Every fill replayed once with the domain's round-trip accounting: the figures /profit
      // (Telegram), /api/pnl and `cab performance` print (reports/pnl-history.ts).
      const h = await pnlHistory({ fills: o.fills, symbols: o.symbols, ...(o.dust ? { dust: o.dust } : {}) });
      const steps = h.entries.map((e) => ({ ts: e.ts, net: e.realizedQuote.minus(e.feeQuote) })).sort((a, b) => a.ts - b.ts);
      let running = ZERO;
      const equity = steps.map((s) => ({ ts: s.ts, value: str((running = running.plus(s.net))) }));
      return { equity, allTime: summarize(h), warnings: h.warnings };
    },

    async chart(symbol, limit) {
      if (!o.symbols.includes(symbol)) return null;
      const c = await o.marketData.candles(symbol, limit);
      const candles = c.ok ? c.value.map((k) => ({ ts: k.ts, open: k.open, high: k.high, low: k.low, close: k.close })) : [];
      const since = candles[0]?.ts ?? 0;
      const orders = await o.orders.find({ symbol, since, statuses: ['filled', 'partial', 'canceled'], limit: 500 });
      const markers = orders
        .filter((x) => x.filledBase.gt(ZERO) && x.averagePrice !== null)
        .map((x) => ({ ts: x.updatedAt, side: x.side, price: str(x.averagePrice!), clientOrderId: x.clientOrderId, reason: x.reason }))
        .sort((a, b) => a.ts - b.ts);
      const pos = await o.positions.get(symbol);
      const open = pos !== null && pos.baseQty.gt(ZERO) && pos.openedAt !== null;
      return {
        symbol,
        candles,
        markers,
        stopPrice: open ? opt(pos.stopPrice) : null,
        trailingStopPrice: open ? opt(pos.trailingStopPrice) : null,
        avgEntry: open ? str(pos.avgEntry) : null,
      };
    },

    async decisions(limit) {
      // A signal and its verdict share a correlation id (one evaluation step).
      const [signals, verdicts] = await Promise.all([o.audit.find({ kind: 'signal', limit }), o.audit.find({ kind: 'risk', limit })]);
      const byStep = new Map<string, AuditRecord>();
      for (const v of verdicts) if (v.correlationId) byStep.set(v.correlationId, v);
      return signals.map((s) => decisionView(s, s.correlationId ? (byStep.get(s.correlationId) ?? null) : null));
    },

    async bots(limit) {
      const all = await o.bots();
      // The serving bot is listed even before its first order: the pane always shows where "here" is.
      if (!all.some((b) => b.botId === o.botId)) all.push({ botId: o.botId, lastActivity: null, orders: 0, fills: 0, openPositions: 0 });
      // Most recent first, then by name; the serving bot is kept when the list is cut.
      const sorted = all.sort((x, y) => (y.lastActivity ?? -1) - (x.lastActivity ?? -1) || (x.botId < y.botId ? -1 : 1));
      const kept = sorted.slice(0, limit);
      if (!kept.some((b) => b.botId === o.botId)) kept[kept.length - 1] = sorted.find((b) => b.botId === o.botId)!;
      return { current: o.botId, bots: kept.map((b) => ({ ...b, current: b.botId === o.botId })) };
    },

    async safety() {
      return { ...o.safety(), lock: o.lock(), deadLetters: await o.deadLetters() };
    },
  };
}

function decisionView(signal: AuditRecord, verdict: AuditRecord | null): DecisionView {
  const d = signal.data;
  let risk: DecisionView['risk'] = null;
  if (verdict) {
    const v = verdict.data;
    const limits: Record<string, string> = {};
    const raw = v['limits'];
    if (raw && typeof raw === 'object' && !Array.isArray(raw)) for (const [k, x] of Object.entries(raw)) limits[k] = String(x);
    const refusals = refusalsOf(v);
    risk = { ok: v['ok'] === true, side: String(v['side'] ?? ''), refusals, limits };
  }
  return {
    ts: signal.ts,
    symbol: signal.symbol,
    correlationId: signal.correlationId,
    action: String(d['action'] ?? ''),
    strategy: typeof d['strategy'] === 'string' ? d['strategy'] : null,
    signalReasons: strings(d['reasons']),
    risk,
  };
}

/**
 * The verdict's refused rules: from its structured `violations` (code, message, limit, observed —
 * evaluate-and-execute's risk entry), or, for an entry written before they were recorded, from its
 * "CODE: text" reasons, with no limit or observed value.
 */
function refusalsOf(v: AuditRecord['data']): RefusalView[] {
  const rows = v['violations'];
  if (Array.isArray(rows)) {
    return rows.flatMap((x) => {
      if (!x || typeof x !== 'object' || Array.isArray(x)) return [];
      const text = (k: string) => (typeof x[k] === 'string' ? (x[k] as string) : null);
      return [{ rule: text('code') ?? '', message: text('message') ?? '', limit: text('limit'), observed: text('observed') }];
    });
  }
  return strings(v['reasons']).map((r) => {
    const i = r.indexOf(': ');
    return i < 0 ? { rule: r, message: r, limit: null, observed: null } : { rule: r.slice(0, i), message: r.slice(i + 2), limit: null, observed: null };
  });
}
