// Prints how fast the PaperVenue fills market orders (a backtest's cost per order). Never fails.
// Run: npx tsx --tsconfig tsconfig.base.json libs/infrastructure/bench/paper-broker.bench.ts
import { dec } from '@cab/domain';
import { FakeClock, SequentialIds } from '@cab/domain/testing';
import { InMemoryPaperLedger, PaperVenue, SettableMarket } from '@cab/infrastructure';

async function run(label: string, n: number, quote: string, newQuoteEachOrder: boolean): Promise<void> {
  const clock = new FakeClock();
  const market = new SettableMarket(clock).setPrice('BTC/USDT', '50000');
  const broker = new PaperVenue({ market, ledger: new InMemoryPaperLedger(), clock, ids: new SequentialIds(), startingBalances: { USDT: '1000000000000' } });
  await broker.fetchBalance('BTC/USDT');
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    if (newQuoteEachOrder) market.setPrice('BTC/USDT', i % 2 === 0 ? '50000' : '50000.5');
    const r = await broker.createMarketBuyQuote('BTC/USDT', dec(quote), `b-${i}`);
    if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  console.log(`${label}: ${n} orders in ${ms.toFixed(0)} ms = ${((ms * 1000) / n).toFixed(1)} µs/order`);
}

async function main(): Promise<void> {
  await run('buy 100 USDT, same quote', 20_000, '100', false);
  await run('buy 100 USDT, a new quote before each order', 20_000, '100', true);
  await run('buy 200,000 USDT (walks 8 levels), new quote each', 5_000, '200000', true);
}

void main();
