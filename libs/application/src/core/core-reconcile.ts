import { dec, str, ZERO } from '@cab/domain';
import type { FillDTO, OrderDTO } from '../ports/broker';
import type { FillRecord } from '../ports/fills-repository';
import type { OrderRecord } from '../ports/orders-repository';
import { compareBalances } from '../reconciliation/compare-balances';
import { comparePosition } from '../reconciliation/compare-positions';
import type { CoreContext } from './core-context';
import type { AdoptionStoredEvent, ReconcileReportEvent, SymbolReconcile, TradesRead } from './core-events';
import type { OrderBefore } from './core-output';
import { applyAnswer } from './core-order-reports';
import type { OrderEntry, SymbolState } from './core-symbol-state';
import { stepOrder } from './order-step';
import { adoptedClientOrderId, TRADES_OVERLAP_MS, UNFETCHED_ORDER_MARGIN_MS, UNREAD_TRADES_HALT_MS } from './venue-lookups';

// Reconcile: what the venue shows, against the books (docs/core.md, "Events in": a report stamped
// with the core's sequence number when it was requested). Orders first (they move positions): ours
// are applied as any answer, those only the venue knows are adopted; then the trade cursor; then the
// position against the balance, set down to the venue's when it holds less.

export function onReconcileReport(ctx: CoreContext, e: ReconcileReportEvent): void {
  // The orders this report moves are the reconcile's repairs: their facts say so (CoreContext.publish).
  ctx.reconciling = true;
  try {
    applyReconcileReport(ctx, e);
  } finally {
    ctx.reconciling = false;
  }
}

function applyReconcileReport(ctx: CoreContext, e: ReconcileReportEvent): void {
  const now = ctx.opts.clock.now();
  let clean = true;
  const halting: string[] = [];
  for (const r of e.symbols) {
    const s = ctx.symbols.get(r.symbol);
    if (!s) continue;
    // What the venue did is applied whenever it is seen: a look only grows an order.
    const matched = takeInVenueOrders(ctx, s, r, now);
    if (r.trades) {
      recordVenueTrades(ctx, s, r.trades.fills);
      const held = advanceCursor(ctx, s, r.trades);
      if (r.trades.unread.length > 0) clean = false;
      if (held !== null) halting.push(held);
    }
    // Settled since the request (this report's own looks included): its balance and its
    // "not found" are older than the books — compared with nothing.
    if (s.settledSeq > e.requestedAtSeq) {
      clean = false;
      continue;
    }
    closeNotFound(ctx, s, r, e.requestedAtSeq, now, matched);
    const p = checkPosition(ctx, s, r, now);
    if (p !== true) clean = false;
    if (typeof p === 'string') halting.push(p);
    halting.push(...checkBalances(ctx, s, r, now));
  }
  if (halting.length > 0) ctx.setHalt('RECONCILE.MISMATCH', 'halted', now, halting.join('; '), true);
  else if (clean) ctx.clearHalt('RECONCILE.MISMATCH', now);
}

/**
 * Every venue order the report carries (open ones, our lookups, those behind trades): one of ours
 * is applied as an answer; one the core does not know by exchange id or client id is adopted. One
 * that carries a client id of ours but is not that order (another side, another exchange id, or two
 * venue orders with the id — Gate does not refuse a duplicate `text`) is neither. Answers the client
 * ids matched.
 */
function takeInVenueOrders(ctx: CoreContext, s: SymbolState, r: SymbolReconcile, now: number): Set<string> {
  const matched = new Set<string>();
  const all: OrderDTO[] = [...r.openOrders, ...r.observed, ...(r.trades?.orders ?? [])];
  if (all.length === 0) return matched;
  // Where the cursor is held for an order behind a trade whose adoption cannot be stored: just before its first trade, never before the range read.
  const holdFrom = new Map<string, number>();
  for (const f of r.trades?.fills ?? [])
    holdFrom.set(f.orderId, Math.max(r.trades!.since, Math.min(holdFrom.get(f.orderId) ?? Infinity, f.ts - UNFETCHED_ORDER_MARGIN_MS)));
  const idsOfClientId = new Map<string, Set<string>>();
  for (const d of all)
    if (d.clientOrderId !== null) (idsOfClientId.get(d.clientOrderId) ?? idsOfClientId.set(d.clientOrderId, new Set()).get(d.clientOrderId)!).add(d.id);
  for (const dto of all) {
    const found = ours(ctx, s, dto, idsOfClientId);
    if (found === 'not-this-one') continue;
    if (found !== null) {
      applyAnswer(ctx, s, found, dto, now);
      matched.add(found.order.clientOrderId);
    } else adopt(ctx, s, dto, holdFrom.get(dto.id) ?? null, now);
  }
  return matched;
}

/** The entry this venue order is: by exchange id, else by client id (same side, same exchange id once known, not ambiguous). */
function ours(ctx: CoreContext, s: SymbolState, dto: OrderDTO, idsOfClientId: ReadonlyMap<string, ReadonlySet<string>>): OrderEntry | null | 'not-this-one' {
  // An adoption whose row is still being inserted takes no look: its row may yet be refused.
  for (const e of s.unsettled.values()) if (e.order.exchangeOrderId === dto.id) return e.adopting ? 'not-this-one' : e;
  for (const e of ctx.recent.values()) if (e.order.exchangeOrderId === dto.id && e.order.symbol === s.symbol) return e;
  const coid = dto.clientOrderId;
  if (coid === null) return null;
  const e = ctx.unsettledById.get(coid) ?? ctx.recent.get(coid);
  if (!e) return null;
  if (e.adopting) return 'not-this-one';
  const o = e.order;
  const same = o.symbol === s.symbol && o.side === dto.side && (o.exchangeOrderId === null || o.exchangeOrderId === dto.id);
  return same && idsOfClientId.get(coid)?.size === 1 ? e : 'not-this-one';
}

/**
 * An order found only on the venue (placed by hand, or by another program on the account): taken
 * into the books as an adopted order — kept under the client id it shows when
 * that looks like ours, else `adopted-<exchange id>`; no idempotency key (the bot never sent it, so
 * it never blocks an order of ours) — and settled through the same path as any answer, so its fills
 * count once and the position follows. An open one stays tracked until it settles. With a store
 * (`persist`), its row is inserted first and what the venue showed is applied once the store says
 * it is there (`adoption-stored`): a row that cannot be stored moves nothing, and is adopted by a
 * later pass (the trade cursor is held before its first trade).
 */
function adopt(ctx: CoreContext, s: SymbolState, dto: OrderDTO, holdFrom: number | null, now: number): void {
  const coid = adoptedClientOrderId(dto.id, dto.clientOrderId, ctx.opts.venue.capabilities.clientOrderIds);
  if (ctx.unsettledById.has(coid) || ctx.recent.has(coid) || !ctx.opts.venue.instrument(s.symbol)) return;
  // New to the books, and on the venue: acknowledged through the domain's table (new → submitted).
  const found: OrderRecord = {
    clientOrderId: coid,
    exchange: ctx.opts.venue.name,
    exchangeOrderId: dto.id,
    symbol: s.symbol,
    side: dto.side,
    type: dto.type,
    requestedQuote: dto.requestedQuote,
    requestedBase: dto.requestedBase,
    status: 'new',
    filledBase: ZERO,
    filledQuote: ZERO,
    averagePrice: null,
    fee: ZERO,
    feeCurrency: null,
    idempotencyKey: null,
    reason: 'adopted: found only on the exchange',
    createdAt: dto.createdAt || now,
    updatedAt: now,
  };
  const order = stepOrder(found, 'submitted', now);
  const entry: OrderEntry = { order, tradeIds: null, inFlightSeq: Number.NaN };
  s.unsettled.set(coid, entry);
  ctx.unsettledById.set(coid, entry);
  if (ctx.publishing)
    ctx.publish({
      kind: 'mismatch',
      ts: now,
      symbol: s.symbol,
      scope: 'order',
      subject: coid,
      expected: 'none',
      actual: `${dto.status} ${dto.side}`,
      detail: 'order found only on the exchange',
      halting: false,
    });
  if (!ctx.persisting) return adopted(ctx, s, entry, dto, now);
  entry.adopting = { dto, holdFrom };
  ctx.emit({ kind: 'persist', order, insert: true });
}

/** The adopted order's row is in the store (or there is no store): what the venue showed applied, and the repair reported. */
function adopted(ctx: CoreContext, s: SymbolState, entry: OrderEntry, dto: OrderDTO, now: number): void {
  applyAnswer(ctx, s, entry, dto, now, NEW_TO_THE_BOOKS);
  if (ctx.publishing)
    ctx.publish({ kind: 'repaired', ts: now, symbol: s.symbol, scope: 'order', subject: entry.order.clientOrderId, action: `adopted ${dto.side} ${dto.id}` });
}

/** An adopted order enters the books with the venue's first answer: published as moving from `new` (OrderBefore). */
const NEW_TO_THE_BOOKS: OrderBefore = Object.freeze({ status: 'new', filledBase: ZERO, fee: ZERO });

/** The store's word on an adopted order's row: applied, or let go with the trade cursor held before its first trade. */
export function onAdoptionStored(ctx: CoreContext, e: AdoptionStoredEvent): void {
  const entry = ctx.unsettledById.get(e.clientOrderId);
  const adopting = entry?.adopting;
  if (!entry || !adopting) return;
  entry.adopting = undefined;
  const s = ctx.state(entry.order.symbol);
  const now = ctx.opts.clock.now();
  if (e.ok) return adopted(ctx, s, entry, adopting.dto, now);
  s.unsettled.delete(e.clientOrderId);
  ctx.unsettledById.delete(e.clientOrderId);
  if (adopting.holdFrom === null) return;
  s.tradesSince = Math.min(s.tradesSince ?? adopting.holdFrom, adopting.holdFrom);
  s.unreadSince ??= now;
  if (ctx.persisting) ctx.emit({ kind: 'persist', tradeCursor: { symbol: s.symbol, tradesSince: s.tradesSince, unreadSince: s.unreadSince } });
}

/**
 * The venue's trades of orders the core knows that the books lack, into the fills table by trade
 * id: an answer's trades are read best effort, and a read that
 * failed then is healed here. A recorded trade is the record only: positions move by the order's
 * own totals, so it never moves one, and an answer that carries it later does not count it again.
 */
function recordVenueTrades(ctx: CoreContext, s: SymbolState, trades: readonly FillDTO[]): void {
  if (!ctx.persisting || trades.length === 0) return;
  const byId = new Map<string, OrderEntry>();
  // An adoption not stored yet is left out: its trades come with what the venue showed, once its row is in.
  for (const e of s.unsettled.values()) if (e.order.exchangeOrderId !== null && !e.adopting) byId.set(e.order.exchangeOrderId, e);
  for (const e of ctx.recent.values()) if (e.order.symbol === s.symbol && e.order.exchangeOrderId !== null) byId.set(e.order.exchangeOrderId, e);
  const fills: FillRecord[] = [];
  for (const t of trades) {
    const entry = byId.get(t.orderId);
    if (!entry || t.id === '' || entry.tradeIds?.has(t.id)) continue;
    (entry.tradeIds ??= new Set()).add(t.id);
    const o = entry.order;
    fills.push({
      exchange: o.exchange,
      tradeId: t.id,
      clientOrderId: o.clientOrderId,
      exchangeOrderId: t.orderId,
      symbol: o.symbol,
      side: t.side,
      price: t.price,
      amount: t.amount,
      cost: t.cost,
      fee: t.fee,
      feeCurrency: t.feeCurrency,
      ts: t.ts,
    });
  }
  if (fills.length > 0) ctx.emit({ kind: 'persist', fills });
}

/**
 * Moves the symbol's trade cursor to the pass's start less the overlap, or holds it where the
 * venue could not be read — never before the range read (Gate lists trades by finish time: an order
 * it listed finished inside it), never further than a complete pass would move it — and persists
 * it. Held for UNREAD_TRADES_HALT_MS, it answers the halting reason.
 */
function advanceCursor(ctx: CoreContext, s: SymbolState, t: TradesRead): string | null {
  const complete = t.startedAt - TRADES_OVERLAP_MS;
  if (t.unread.length === 0) {
    s.tradesSince = complete;
    s.unreadSince = null;
    if (ctx.persisting) ctx.emit({ kind: 'persist', tradeCursor: { symbol: s.symbol, tradesSince: complete, unreadSince: null } });
    return null;
  }
  let from = Infinity;
  for (const u of t.unread) from = Math.min(from, u.from);
  const rereadFrom = Math.max(t.since, from);
  s.tradesSince = Math.min(rereadFrom, complete);
  const firstUnreadAt = (s.unreadSince ??= t.startedAt);
  if (ctx.persisting) ctx.emit({ kind: 'persist', tradeCursor: { symbol: s.symbol, tradesSince: s.tradesSince, unreadSince: firstUnreadAt } });
  if (t.startedAt - firstUnreadAt < UNREAD_TRADES_HALT_MS) return null;
  return `${s.symbol}: the venue's trades since ${new Date(rereadFrom).toISOString()} could not all be read for ${Math.round((t.startedAt - firstUnreadAt) / 60_000)} min (${brief(t.unread.map((u) => u.why))}): an order placed on the exchange by hand may be missing from the position`;
}

/** The first few reasons, and how many more: a halt reason stays readable in a log line or an alert. */
function brief(reasons: readonly string[]): string {
  const shown = reasons.slice(0, 3).join('; ');
  return reasons.length > 3 ? `${shown}; +${reasons.length - 3} more` : shown;
}

/**
 * An order left in flight that the venue does not know, looked up after it went in flight and
 * longer than the grace ago, and not found among the venue's orders either: it never reached the
 * venue. A `new` order is never closed so: its send has not answered,
 * and the order may still arrive.
 *
 * The venue's "not found" by client id is believed only while its lookup by client id still covers
 * the order (VenueCapabilities.clientIdLookupAfterFinishMs: Gate's ends about an hour after the
 * order finished, and it finished after it was created). Past that — a bot down for longer, with
 * an order in flight — only this pass's trades, read over the order's time without a gap, say it
 * never traded; a pass whose trade reads failed leaves it in flight, or a filled buy would be
 * closed and its side bought again.
 */
function closeNotFound(ctx: CoreContext, s: SymbolState, r: SymbolReconcile, requestedAtSeq: number, now: number, matched: ReadonlySet<string>): void {
  const grace = ctx.opts.notFoundGraceMs ?? 60_000;
  const lookupMs = ctx.opts.venue.capabilities.clientIdLookupAfterFinishMs;
  const trades = r.trades && r.trades.unread.length === 0 ? r.trades : null;
  for (const coid of r.notFound) {
    const entry = s.unsettled.get(coid);
    if (!entry || matched.has(coid) || entry.order.status !== 'in_flight' || !(entry.inFlightSeq <= requestedAtSeq) || now - entry.order.updatedAt < grace)
      continue;
    // One we know the exchange id of was looked up by it, which the venue answers for much longer.
    const lookupCovers = entry.order.exchangeOrderId !== null || lookupMs === null || now - entry.order.createdAt <= lookupMs;
    if (!lookupCovers && !(trades && trades.since <= entry.order.createdAt)) continue;
    const before = entry.order;
    const order = stepOrder(before, 'rejected', now);
    entry.order = order;
    ctx.settled(s, entry);
    if (ctx.persisting) ctx.emit({ kind: 'persist', order });
    if (ctx.publishing) ctx.publish({ kind: 'order', ts: now, symbol: s.symbol, order, before, error: 'not found on the venue: it never arrived' });
  }
}

/**
 * The position against the venue's base balance (free + used), only while no order the bot sent is
 * unsettled on the symbol (its fills may be in the balance and not in the books yet; an adopted one
 * does not count). Less on the venue beyond tolerance: the
 * position is set down to what exists (stops cleared at zero), persisted, reported, and the halting
 * reason answered (RECONCILE.MISMATCH until a clean pass); more is base the bot does not manage,
 * reported once. True when it matched (or only a surplus), false when nothing was compared.
 */
function checkPosition(ctx: CoreContext, s: SymbolState, r: SymbolReconcile, now: number): boolean | string {
  // An adoption not stored yet has not moved the position, while the balance holds it.
  for (const e of s.unsettled.values()) if (e.order.idempotencyKey !== null || e.adopting) return false;
  if (!r.balance) return false;
  const inst = ctx.opts.venue.instrument(s.symbol);
  if (!inst) return false;
  const exchange = r.balance.freeBase.plus(r.balance.usedBase);
  const c = comparePosition(s.position.baseQty, exchange, inst.amountStep, ctx.opts.reconcileTolerancePct ?? dec('0.001'));
  if (c.kind === 'match') {
    s.reportedSurplus = '';
    return true;
  }
  const base = r.balance.base;
  if (c.kind === 'surplus') {
    if (s.reportedSurplus !== str(exchange) && ctx.publishing) {
      const detail = `the exchange holds ${str(c.diff)} ${base} the bot does not manage`;
      ctx.publish({
        kind: 'mismatch',
        ts: now,
        symbol: s.symbol,
        scope: 'position',
        subject: base,
        expected: str(c.local),
        actual: str(exchange),
        detail,
        halting: false,
      });
    }
    s.reportedSurplus = str(exchange);
    return true;
  }
  const detail = `the exchange holds ${str(c.diff)} ${base} less than the position`;
  const from = s.position.baseQty;
  if (ctx.publishing)
    ctx.publish({
      kind: 'mismatch',
      ts: now,
      symbol: s.symbol,
      scope: 'position',
      subject: base,
      expected: str(from),
      actual: str(exchange),
      detail,
      halting: true,
    });
  const flat = exchange.eq(ZERO) ? { openedAt: null, peakPrice: null, stopPrice: null, trailingStopPrice: null, trailingActive: false } : {};
  s.position = { ...s.position, ...flat, baseQty: exchange, updatedAt: now, version: s.position.version + 1 };
  s.settledSeq = ctx.sequence;
  s.exitShadow = false;
  if (ctx.persisting) ctx.emit({ kind: 'persist', position: s.position });
  if (ctx.publishing)
    ctx.publish({
      kind: 'repaired',
      ts: now,
      symbol: s.symbol,
      scope: 'position',
      subject: base,
      action: `position set from ${str(from)} to ${str(exchange)}`,
    });
  return `position ${s.symbol}: ${detail}`;
}

/**
 * The venue's balances as such (compareBalances): a negative amount halts (the venue's answer is not
 * to be trusted); funds locked while no order of ours or adopted is working on the symbol are
 * reported, once per distinct amount (an order of another bot or of the owner holds them). Answers
 * the halting reasons.
 */
function checkBalances(ctx: CoreContext, s: SymbolState, r: SymbolReconcile, now: number): string[] {
  if (!r.balance) return [];
  const halting: string[] = [];
  const seen = new Set<string>();
  for (const issue of compareBalances(r.balance, s.unsettled.size)) {
    seen.add(issue.subject);
    if (issue.halting) halting.push(`balance ${s.symbol} ${issue.subject}: ${issue.detail}`);
    else if (s.reportedBalances.get(issue.subject) === issue.actual) continue;
    s.reportedBalances.set(issue.subject, issue.actual);
    if (ctx.publishing) ctx.publish({ kind: 'mismatch', ts: now, symbol: s.symbol, scope: 'balance', ...issue });
  }
  for (const subject of [...s.reportedBalances.keys()]) if (!seen.has(subject)) s.reportedBalances.delete(subject);
  return halting;
}
