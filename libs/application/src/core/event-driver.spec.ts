import { dec, type Decimal } from '@cab/domain';
import { FakeClock, T0 } from '@cab/domain/testing';
import { ok, type BrokerResult, type OrderDTO } from '../ports/broker';
import { aCoreWithDriver, InMemoryStorage, marketOrderAnswer, SlowBroker, STOP_AND_TRAIL, SYMBOL, TF } from '../testing';

/** The SlowBroker that also notes what the store held at the moment of each send, and can throw once (a socket hang-up). */
class StoreWatchingBroker extends SlowBroker {
  readonly storeAtSend: { rowStatus: string | null; keyRef: string | null }[] = [];
  throwNext = false;

  constructor(private readonly storage: InMemoryStorage) {
    super();
  }

  protected override async send(clientOrderId: string, side: 'buy' | 'sell', amount: Decimal): Promise<BrokerResult<OrderDTO>> {
    const row = await this.storage.orders.byClientOrderId(clientOrderId);
    const key = row?.idempotencyKey ? await this.storage.idempotency.get(row.idempotencyKey) : null;
    this.storeAtSend.push({ rowStatus: row?.status ?? null, keyRef: key?.ref ?? null });
    const answer = super.send(clientOrderId, side, amount);
    if (this.throwNext) {
      this.throwNext = false;
      throw new Error('socket hang up');
    }
    return answer;
  }
}

/** The venue's answer: `base` bought whole at 50,001 (fee 0.2 % in base). */
const filled = (clientOrderId: string, base: string): BrokerResult<OrderDTO> =>
  ok(marketOrderAnswer({ id: 'x1', clientOrderId, trades: [{ id: 'tr1', base, price: '50001' }], requestedQuote: dec('100') }));

function setup() {
  const clock = new FakeClock(T0);
  const storage = new InMemoryStorage(clock);
  const broker = new StoreWatchingBroker(storage);
  const bot = aCoreWithDriver({ clock, broker, stores: storage, exits: STOP_AND_TRAIL });
  return { ...bot, storage, broker };
}

describe('EventDriver: the core on a queue, its commands carried out with write-ahead', () => {
  it('commits the order row (new) and its idempotency key before the send, then stores the answer: order, fill and position', async () => {
    const t = setup();
    t.candle('buy');
    await t.broker.sent(1);
    const [send] = t.broker.sends;
    expect(t.broker.storeAtSend[0]).toEqual({ rowStatus: 'new', keyRef: send!.clientOrderId });
    send!.answer.resolve(filled(send!.clientOrderId, '0.002'));
    await t.driver.idle();
    expect(await t.storage.orders.byClientOrderId(send!.clientOrderId)).toMatchObject({ status: 'filled', exchangeOrderId: 'x1' });
    expect((await t.storage.fills.byOrder(send!.clientOrderId)).map((f) => f.tradeId)).toEqual(['tr1']);
    expect(str(await t.storage.positions.get(SYMBOL))).toBe('0.001996');
    expect(t.core.position(SYMBOL).baseQty.toString()).toBe('0.001996');
    expect(t.errors).toEqual([]);
  });

  it('while the answer is on its way the core counts the order: the next buy signal sends nothing', async () => {
    const t = setup();
    t.candle('buy');
    await t.broker.sent(1);
    t.candle('buy');
    t.candle('buy');
    expect(t.broker.sends).toHaveLength(1);
    expect(t.facts.filter((f) => f.kind === 'refused').map((f) => (f.kind === 'refused' ? f.reason : ''))).toEqual([
      expect.stringMatching(/is not settled yet$/),
      expect.stringMatching(/is not settled yet$/),
    ]);
    t.broker.sends[0]!.answer.resolve(filled(t.broker.sends[0]!.clientOrderId, '0.002'));
    await t.driver.idle();
  });

  it('a broker that throws leaves the order in flight, stored as such, and it is never sent again', async () => {
    const t = setup();
    t.broker.throwNext = true;
    t.candle('buy');
    await t.driver.idle();
    const coid = t.broker.sends[0]!.clientOrderId;
    expect(t.core.order(coid)?.status).toBe('in_flight');
    expect((await t.storage.orders.byClientOrderId(coid))?.status).toBe('in_flight');
    t.candle('buy');
    t.candle('buy');
    await t.driver.idle();
    expect(t.broker.sends).toHaveLength(1);
  });

  it('a key already taken in the store (a restart inside the bucket) sends nothing: the core hears a refusal', async () => {
    const t = setup();
    // The key the next candle's buy will take, reserved by an earlier life of the bot.
    const bucket = Math.floor((T0 + TF) / TF);
    await t.storage.idempotency.reserve(`${SYMBOL}:buy:${bucket}`, 3_600_000, 'before-restart');
    t.candle('buy');
    await t.driver.idle();
    expect(t.broker.sends).toHaveLength(0);
    expect(t.core.unsettled(SYMBOL)).toEqual([]);
    expect(t.facts).toContainEqual(expect.objectContaining({ kind: 'order', error: expect.stringMatching(/key BTC\/USDT:buy:\d+ is taken/) }));
  });
});

function str(p: { baseQty: Decimal } | null): string {
  return p ? p.baseQty.toString() : 'none';
}
