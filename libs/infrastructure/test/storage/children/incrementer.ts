/*
 * A child process doing read-modify-write units of work on one position:
 *   incrementer.ts <dbPath|postgres URL> <times>
 * Waits for "go", then `times` times: read BTC/USDT, add 1 to its base quantity, save — with no
 * version check, so only the transaction's write lock keeps two processes from losing updates.
 */
import { systemClock } from '@cab/infrastructure';
import { aPosition, openStorageAt } from '../fixtures';

async function main(): Promise<void> {
  const [dbPath, timesArg] = process.argv.slice(2);
  const times = Number(timesArg);
  if (!dbPath || !Number.isInteger(times)) throw new Error('usage: incrementer.ts <dbPath> <times>');
  const storage = await openStorageAt(dbPath, systemClock);
  await new Promise<void>((resolve) => {
    process.on('message', (m) => m === 'go' && resolve());
    process.send?.({ ready: true });
  });
  for (let i = 0; i < times; i++) {
    await storage.unitOfWork.run(async (tx) => {
      const p = (await tx.positions.get('BTC/USDT')) ?? aPosition();
      await new Promise((r) => setImmediate(r)); // widen the window between read and write
      await tx.positions.save({ ...p, baseQty: p.baseQty.plus('1') });
    });
  }
  await storage.close();
  process.send?.({ done: times }, () => process.exit(0));
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
