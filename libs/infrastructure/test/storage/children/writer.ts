/*
 * A child process that writes trades the way the bot does: one unit of work = an order, its
 * FILLS_PER_ORDER fills, the position and an audit entry. Specs kill it (SIGKILL) at awkward
 * moments and then check that every order in the file is complete.
 *
 *   writer.ts <dbPath|postgres URL> loop  — commit trades forever; sends {committed: n} after each of the first 20
 *   writer.ts <dbPath> hang  — open one trade, write order + fills, send {inside: true}, then wait forever
 */
import { dec, str, ZERO } from '@cab/domain';
import { systemClock } from '@cab/infrastructure';
import { aFill, anOrder, aPosition, FILL_AMOUNT, FILLS_PER_ORDER, openStorageAt } from '../fixtures';

async function main(): Promise<void> {
  const [dbPath, mode] = process.argv.slice(2);
  if (!dbPath || (mode !== 'loop' && mode !== 'hang')) throw new Error('usage: writer.ts <dbPath> loop|hang');
  const clock = systemClock;
  const storage = await openStorageAt(dbPath, clock);
  const send = (m: object): void => {
    process.send?.(m);
  };

  for (let i = 0; ; i++) {
    const id = `w-${process.pid}-${i}`;
    await storage.unitOfWork.run(async (tx) => {
      const now = clock.now();
      await tx.orders.insert(
        anOrder({
          clientOrderId: id,
          exchangeOrderId: `x-${id}`,
          status: 'filled',
          filledBase: dec(FILL_AMOUNT).times(String(FILLS_PER_ORDER)),
          filledQuote: dec('50').times(String(FILLS_PER_ORDER)),
          createdAt: now,
          updatedAt: now,
        }),
      );
      const fills = Array.from({ length: FILLS_PER_ORDER }, (_, k) =>
        aFill({ tradeId: `${id}-t${k}`, clientOrderId: id, exchangeOrderId: `x-${id}`, amount: dec(FILL_AMOUNT), ts: now }),
      );
      const { inserted } = await tx.fills.insertMany(fills);
      if (mode === 'hang') {
        send({ inside: true });
        await new Promise<never>(() => setInterval(() => undefined, 1_000));
      }
      const pos = (await tx.positions.get('BTC/USDT')) ?? aPosition();
      const added = inserted.reduce((acc, f) => acc.plus(f.amount), ZERO);
      await tx.positions.save({ ...pos, baseQty: pos.baseQty.plus(added), updatedAt: now });
      await tx.audit.record({ ts: now, kind: 'order', symbol: 'BTC/USDT', correlationId: id, summary: `filled ${str(added)}`, data: {} });
    });
    if (i < 20) send({ committed: i + 1 });
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
