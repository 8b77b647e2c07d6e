import { dec, ZERO, type SignalAction } from '@cab/domain';
import { FakeClock, T0 } from '@cab/domain/testing';
import type { BrokerResult, OrderDTO } from '../ports/broker';
import type { OrderRecord } from '../ports/orders-repository';
import { aTradingCore, candleClosedAt, FakeVenueView, marketOrderAnswer, STOP_AND_TRAIL, SYMBOL, TF } from '../testing';
import type { CoreCommand, PersistCommand } from './core-commands';
import type { CoreEvent, TradesRead } from './core-events';
import type { CoreOutput } from './core-output';

function setup() {
  const clock = new FakeClock(T0);
  const view = new FakeVenueView();
  const { core, next } = aTradingCore({ clock, venue: view, risk: { maxPositionBase: dec('0') }, exits: STOP_AND_TRAIL, notFoundGraceMs: 2 * TF });
  const handle = (e: CoreEvent): readonly CoreCommand[] => core.handle(e);
  /** A candle closes (at 50,000) with the scripted signal; the commands it made. */
  const candle = (signal: SignalAction): readonly CoreCommand[] => {
    clock.advance(TF);
    next.action = signal;
    return handle(candleClosedAt(clock.now()));
  };
  return { core, view, clock, handle, candle };
}

const placed = (cs: readonly CoreCommand[]): OrderRecord[] => cs.flatMap((c) => (c.kind === 'place-order' ? [c.order] : []));
const facts = (cs: readonly CoreCommand[]): CoreOutput[] => cs.flatMap((c) => (c.kind === 'publish' ? [c.fact] : []));
const persists = (cs: readonly CoreCommand[]): PersistCommand[] => cs.flatMap((c) => (c.kind === 'persist' ? [c] : []));

/** The venue's look at `o`: `trades` [base, price] filled so far (buy fee 0.2 % in base, sell fee in quote). */
const look = (o: OrderRecord, trades: readonly [string, string][], status: OrderDTO['status'] = 'closed'): OrderDTO =>
  marketOrderAnswer({
    id: 'x1',
    clientOrderId: o.clientOrderId,
    side: o.side,
    trades: trades.map(([base, price], i) => ({ id: `${o.clientOrderId}-t${i}`, base, price })),
    status,
    requestedQuote: o.requestedQuote,
    requestedBase: o.requestedBase,
  });

const report = (o: OrderRecord, result: BrokerResult<OrderDTO>, answer: 'send' | 'look' = 'send'): CoreEvent => ({
  kind: 'order-report',
  clientOrderId: o.clientOrderId,
  answer,
  result,
});
const ok = (v: OrderDTO): BrokerResult<OrderDTO> => ({ ok: true, value: v });
const reconcile = (
  requestedAtSeq: number,
  over: { observed?: OrderDTO[]; notFound?: string[]; base?: string | null; usedQuote?: string; freeQuote?: string },
): CoreEvent => ({
  kind: 'reconcile-report',
  requestedAtSeq,
  symbols: [
    {
      symbol: SYMBOL,
      openOrders: [],
      observed: over.observed ?? [],
      notFound: over.notFound ?? [],
      balance:
        over.base === null
          ? null
          : {
              symbol: SYMBOL,
              base: 'BTC',
              quote: 'USDT',
              freeBase: dec(over.base ?? '0'),
              usedBase: ZERO,
              freeQuote: dec(over.freeQuote ?? '0'),
              usedQuote: dec(over.usedQuote ?? '0'),
            },
    },
  ],
});

/** Opens a position of 0.002 BTC (less the fee): buy signal, the answer filled. */
function opened(t: ReturnType<typeof setup>): OrderRecord {
  const buy = placed(t.candle('buy'))[0]!;
  t.handle(report(buy, ok(look(buy, [['0.002', '50001']]))));
  t.view.freeBase = t.core.position(SYMBOL).baseQty;
  return buy;
}

describe('TradingCore events in, commands out', () => {
  it('a buy goes out as PlaceOrder (status new, its key) and counts as unsettled at once: the next buy signal is refused before any answer', () => {
    const t = setup();
    const first = t.candle('buy');
    const [buy] = placed(first);
    expect(buy).toMatchObject({ status: 'new', side: 'buy', idempotencyKey: expect.stringMatching(/^BTC\/USDT:buy:\d+$/) });
    expect(t.core.unsettled(SYMBOL).map((o) => o.clientOrderId)).toEqual([buy!.clientOrderId]);
    const second = t.candle('buy');
    expect(placed(second)).toEqual([]);
    expect(facts(second)).toContainEqual(expect.objectContaining({ kind: 'refused', reason: `${buy!.clientOrderId} (new) is not settled yet` }));
  });

  it('an answer applied: order, new fills and position persisted together; the same answer again, or an older one, counts nothing twice', () => {
    const t = setup();
    const buy = placed(t.candle('buy'))[0]!;
    const partial = look(buy, [['0.001', '50001']], 'open');
    const whole = look(buy, [
      ['0.001', '50001'],
      ['0.001', '50002'],
    ]);
    const p1 = persists(t.handle(report(buy, ok(partial))));
    expect(p1).toEqual([{ kind: 'persist', order: expect.objectContaining({ status: 'partial' }), fills: [expect.anything()], position: expect.anything() }]);
    const p2 = persists(t.handle(report(buy, ok(whole), 'look')));
    expect(p2[0]?.fills?.map((f) => f.tradeId)).toEqual([`${buy.clientOrderId}-t1`]);
    // Repeated and reordered: nothing moves, no fill is written again.
    for (const again of [whole, partial, whole])
      expect(persists(t.handle(report(buy, ok(again), 'look')))[0]).toEqual({ kind: 'persist', order: expect.anything() });
    expect(t.core.fills).toHaveLength(2);
    expect(t.core.position(SYMBOL).baseQty.toString()).toBe('0.001996');
    expect(t.core.unsettled(SYMBOL)).toEqual([]);
  });

  it('an ambiguous answer leaves the order in flight; a reconcile that sees it settles it; a "not found" closes one only after the grace', () => {
    const t = setup();
    const lost = placed(t.candle('buy'))[0]!;
    t.handle(report(lost, { ok: false, error: { kind: 'ambiguous', code: 'TIMEOUT', message: 'no answer' } }));
    expect(t.core.order(lost.clientOrderId)?.status).toBe('in_flight');
    t.handle(reconcile(t.core.seq, { observed: [look(lost, [['0.002', '50001']])] }));
    expect(t.core.order(lost.clientOrderId)?.status).toBe('filled');
    expect(t.core.position(SYMBOL).baseQty.toString()).toBe('0.001996');

    const t2 = setup();
    const never = placed(t2.candle('buy'))[0]!;
    // A look's error says nothing, and a "not found" while the send is unanswered proves nothing: the order may be on its way.
    t2.handle(report(never, { ok: false, error: { kind: 'rejected', code: 'ORDER_NOT_FOUND', message: '?' } }, 'look'));
    t2.handle(reconcile(t2.core.seq, { notFound: [never.clientOrderId] }));
    expect(t2.core.order(never.clientOrderId)?.status).toBe('new');
    t2.handle(report(never, { ok: false, error: { kind: 'ambiguous', code: 'TIMEOUT', message: 'no answer' } }));
    t2.handle(reconcile(t2.core.seq, { notFound: [never.clientOrderId] }));
    expect(t2.core.order(never.clientOrderId)?.status).toBe('in_flight');
    t2.clock.advance(2 * TF);
    t2.handle(reconcile(t2.core.seq, { notFound: [never.clientOrderId] }));
    expect(t2.core.order(never.clientOrderId)?.status).toBe('rejected');
    expect(t2.core.unsettled(SYMBOL)).toEqual([]);
  });

  it('past the venue\'s lookup by client id, a "not found" closes an order in flight only with the trades over its time read: a pass whose trade reads failed leaves it in flight', () => {
    const clock = new FakeClock(T0);
    // Gate's rule: a finished order is found by client id for about an hour.
    const view = new FakeVenueView({ capabilities: { clientIdLookupAfterFinishMs: 3_600_000 } });
    const { core, next } = aTradingCore({ clock, venue: view, risk: { maxPositionBase: dec('0') }, exits: STOP_AND_TRAIL, notFoundGraceMs: 2 * TF });
    clock.advance(TF);
    next.action = 'buy';
    const lost = placed(core.handle(candleClosedAt(clock.now())))[0]!;
    core.handle(report(lost, { ok: false, error: { kind: 'ambiguous', code: 'TIMEOUT', message: 'no answer' } }));
    // The bot was down for two hours: the venue's "not found" by client id no longer proves anything.
    clock.advance(2 * 3_600_000);
    const pass = (trades: TradesRead | undefined): CoreEvent => ({
      kind: 'reconcile-report',
      requestedAtSeq: core.seq,
      symbols: [{ symbol: SYMBOL, openOrders: [], observed: [], notFound: [lost.clientOrderId], balance: view.balance(), ...(trades ? { trades } : {}) }],
    });
    const since = lost.createdAt - 60_000;
    core.handle(pass({ startedAt: clock.now(), since, fills: [], orders: [], unread: [{ from: since, why: 'fetchMyTrades: 502' }] }));
    core.handle(pass(undefined));
    expect(core.order(lost.clientOrderId)?.status).toBe('in_flight');
    // The trades since before it was sent, read without a gap, hold none of it: it never traded.
    core.handle(pass({ startedAt: clock.now(), since, fills: [], orders: [], unread: [] }));
    expect(core.order(lost.clientOrderId)?.status).toBe('rejected');
  });

  it('a reconcile requested before a settlement compares nothing; a fresh one that finds less on the venue sets the position down to it and halts; a clean one clears it', () => {
    const t = setup();
    const before = t.core.seq;
    opened(t);
    // Requested while flat: the venue then held nothing. Stale: not a mismatch.
    expect(facts(t.handle(reconcile(before, { base: '0' })))).toEqual([]);
    expect(t.core.halts.state()).toBe('active');
    const short = t.handle(reconcile(t.core.seq, { base: '0.001' }));
    expect(facts(short)).toContainEqual(expect.objectContaining({ kind: 'mismatch', halting: true, expected: '0.001996', actual: '0.001' }));
    expect(persists(short)).toContainEqual({ kind: 'persist', halts: [expect.objectContaining({ code: 'RECONCILE.MISMATCH', level: 'halted' })] });
    expect(facts(short)).toContainEqual(expect.objectContaining({ kind: 'repaired', scope: 'position', action: 'position set from 0.001996 to 0.001' }));
    expect(persists(short)).toContainEqual({ kind: 'persist', position: expect.objectContaining({ baseQty: dec('0.001') }) });
    expect(t.core.position(SYMBOL).baseQty.toString()).toBe('0.001');
    expect(t.core.halts.state()).toBe('halted');
    t.handle(reconcile(t.core.seq, { base: '0.001' }));
    expect(t.core.halts.state()).toBe('active');
  });

  it("the venue's balances as such: quote locked while no order works is reported once per amount; a negative balance halts until a pass without it", () => {
    const t = setup();
    const mismatches = (cs: readonly CoreCommand[]) => facts(cs).filter((f) => f.kind === 'mismatch');
    const locked = t.handle(reconcile(t.core.seq, { usedQuote: '25' }));
    expect(mismatches(locked)).toEqual([
      expect.objectContaining({
        scope: 'balance',
        subject: 'USDT used',
        expected: '0',
        actual: '25',
        detail: 'quote locked by an order the bot does not know',
        halting: false,
      }),
    ]);
    expect(t.core.halts.state()).toBe('active');
    expect(mismatches(t.handle(reconcile(t.core.seq, { usedQuote: '25' })))).toEqual([]);
    expect(mismatches(t.handle(reconcile(t.core.seq, { usedQuote: '30' })))).toHaveLength(1);
    const negative = t.handle(reconcile(t.core.seq, { freeQuote: '-1' }));
    expect(mismatches(negative)).toEqual([expect.objectContaining({ scope: 'balance', subject: 'USDT free', actual: '-1', halting: true })]);
    expect(t.core.halts.state()).toBe('halted');
    t.handle(reconcile(t.core.seq, {}));
    expect(t.core.halts.state()).toBe('active');
  });

  it('the operator: stop entries refuses buys, force exit sells the whole position once (refused while that sell is unsettled), halt cancels a working buy, resume clears', () => {
    const t = setup();
    t.handle({ kind: 'operator', action: 'stop-entries', actor: 'test' });
    expect(placed(t.candle('buy'))).toEqual([]);
    t.handle({ kind: 'operator', action: 'resume', actor: 'test' });
    opened(t);
    const exit = placed(t.handle({ kind: 'operator', action: 'force-exit', symbol: SYMBOL, actor: 'test' }));
    expect(exit).toEqual([
      expect.objectContaining({
        side: 'sell',
        requestedBase: dec('0.001996'),
        idempotencyKey: expect.stringMatching(/:FORCE$/),
        reason: 'exit FORCE: operator test',
      }),
    ]);
    const again = t.handle({ kind: 'operator', action: 'force-exit', symbol: SYMBOL, actor: 'test' });
    expect(placed(again)).toEqual([]);
    expect(facts(again)).toContainEqual(expect.objectContaining({ kind: 'refused', reason: expect.stringMatching(/is not settled yet$/) }));
    t.handle(report(exit[0]!, ok(look(exit[0]!, [['0.001996', '49999']]))));
    expect(t.core.position(SYMBOL).openedAt).toBeNull();

    const working = placed(t.candle('buy'))[0]!;
    t.handle(report(working, ok(look(working, [], 'open'))));
    const halt = t.handle({ kind: 'operator', action: 'halt', actor: 'test' });
    expect(halt.filter((c) => c.kind === 'cancel-order')).toEqual([
      { kind: 'cancel-order', symbol: SYMBOL, clientOrderId: working.clientOrderId, exchangeOrderId: 'x1' },
    ]);
    expect(t.core.halts.state()).toBe('halted');
    t.handle({ kind: 'operator', action: 'resume', actor: 'test' });
    expect(t.core.halts.state()).toBe('active');
  });

  it('the operator cancels a stored working order the core does not hold: taken up from its row, settled by the look the cancel answers', () => {
    const t = setup();
    const stored: OrderRecord = {
      clientOrderId: 'manual-1',
      exchange: 'fake',
      exchangeOrderId: 'x1',
      symbol: SYMBOL,
      side: 'buy',
      type: 'limit',
      requestedQuote: null,
      requestedBase: dec('0.001'),
      status: 'submitted',
      filledBase: ZERO,
      filledQuote: ZERO,
      averagePrice: null,
      fee: ZERO,
      feeCurrency: null,
      idempotencyKey: 'spec:manual-1',
      reason: 'spec: a resting order',
      createdAt: T0,
      updatedAt: T0,
    };
    // Without its row the core has nothing to cancel; a row that is not working is not taken up either.
    expect(t.handle({ kind: 'operator', action: 'cancel', clientOrderId: 'manual-1', actor: 'test' }).filter((c) => c.kind === 'cancel-order')).toEqual([]);
    const filled = { ...stored, status: 'filled' as const };
    expect(
      t.handle({ kind: 'operator', action: 'cancel', clientOrderId: 'manual-1', actor: 'test', stored: filled }).filter((c) => c.kind === 'cancel-order'),
    ).toEqual([]);
    expect(t.core.order('manual-1')).toBeNull();

    const out = t.handle({ kind: 'operator', action: 'cancel', clientOrderId: 'manual-1', actor: 'test', stored });
    expect(out.filter((c) => c.kind === 'cancel-order')).toEqual([{ kind: 'cancel-order', symbol: SYMBOL, clientOrderId: 'manual-1', exchangeOrderId: 'x1' }]);
    expect(t.core.unsettled(SYMBOL).map((o) => o.clientOrderId)).toEqual(['manual-1']);
    const answer = t.handle(report(stored, ok(look(stored, [], 'canceled')), 'look'));
    expect(persists(answer).map((p) => p.order?.status)).toEqual(['canceled']);
    expect(t.core.unsettled(SYMBOL)).toEqual([]);
    expect(t.core.order('manual-1')?.status).toBe('canceled');
    // Settled by the core now: a stale row read before a second cancel is not taken up again.
    expect(t.handle({ kind: 'operator', action: 'cancel', clientOrderId: 'manual-1', actor: 'test', stored }).filter((c) => c.kind === 'cancel-order')).toEqual(
      [],
    );
  });

  it('a halt keeps the time it came into force through a new level or reason: in memory, in the store, on the status pages', () => {
    const { core, clock, handle } = setup();
    const since = clock.now();
    const first = handle({ kind: 'edge-halt', code: 'STRATEGY.ERROR', level: 'reducing', reason: 'BTC/USDT: threw' });
    clock.advance(5 * TF);
    const second = handle({ kind: 'edge-halt', code: 'STRATEGY.ERROR', level: 'halted', reason: 'BTC/USDT: threw again' });
    const stored = [...persists(first), ...persists(second)].flatMap((p) => p.halts ?? []);
    expect(stored.map((h) => [h.level, h.reason, h.since])).toEqual([
      ['reducing', 'BTC/USDT: threw', since],
      ['halted', 'BTC/USDT: threw again', since],
    ]);
    expect(core.halts.list()).toEqual([{ code: 'STRATEGY.ERROR', level: 'halted', reason: 'BTC/USDT: threw again', since }]);
  });

  it('a quiet candle makes no command and allocates no array for them', () => {
    const t = setup();
    // The first signal is published even when it is a hold (the decision log starts somewhere); the holds after it are quiet.
    expect(t.candle('hold')).toEqual([expect.objectContaining({ kind: 'publish', fact: expect.objectContaining({ kind: 'signal', action: 'hold' }) })]);
    const a = t.candle('hold');
    const b = t.candle('hold');
    expect(a).toEqual([]);
    expect(a).toBe(b);
  });
});
