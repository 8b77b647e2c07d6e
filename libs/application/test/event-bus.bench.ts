// Event bus throughput: prints figures, never fails. Run from the repo root:
//   TSX_TSCONFIG_PATH=tsconfig.base.json node --import tsx libs/application/test/event-bus.bench.ts
import { InProcessEventBus } from '../src/events/in-process-event-bus';
import { InMemoryDeadLetterSink } from '../src/testing';

const N = Number(process.argv[2] ?? 200_000);
let t = 1_700_000_000_000;
let id = 0;
const dlq = new InMemoryDeadLetterSink();
const bus = new InProcessEventBus({ clock: { now: () => t++ }, ids: { next: () => `e${++id}` }, deadLetters: dlq, maxQueuePerSubscriber: N + 1 });

let sync = 0;
let async = 0;
bus.subscribe('trade.blocked', 'sync', () => void (sync += 1));
bus.subscribe('trade.blocked', 'async', async () => {
  await Promise.resolve();
  async += 1;
});
bus.subscribe('trade.blocked', 'flaky', (e) => {
  if (Number(e.eventId.slice(1)) % 100 === 0) throw new Error('every 100th fails');
});

async function main(): Promise<void> {
  const payload = { symbol: 'BTC/USDT', side: 'buy' as const, reasons: ['RISK.COOLDOWN'], limits: { cooldownMs: '60000' } };
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i++) bus.emit('trade.blocked', { ...payload, reasons: [...payload.reasons] });
  const t1 = process.hrtime.bigint();
  await bus.drain();
  const t2 = process.hrtime.bigint();
  const ms = (a: bigint, b: bigint): number => Number(b - a) / 1e6;
  console.log(
    JSON.stringify({
      events: N,
      subscribers: 3,
      publishMs: ms(t0, t1).toFixed(1),
      publishPerEventUs: ((ms(t0, t1) * 1000) / N).toFixed(2),
      drainMs: ms(t1, t2).toFixed(1),
      deliveriesPerSec: Math.round((3 * N) / (ms(t0, t2) / 1000)),
      delivered: { sync, async },
      deadLetters: dlq.entries.length,
    }),
  );
}
void main();
