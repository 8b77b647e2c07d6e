/*
 * A child process that writes orders ahead through the order intent log the way the trading process
 * does (openSqliteStorage with intentLog), then dies with SIGKILL at a chosen moment:
 *
 *   intent-writer.ts <dbPath> <count> <at> FULL|NORMAL before-fold
 *     — `count` write-aheads (each with its key), then SIGKILL in the same synchronous step:
 *       no fold can have run (it is scheduled with setImmediate), so only the log holds them.
 *   intent-writer.ts <dbPath> <count> <at> FULL|NORMAL after-fold
 *     — the same write-aheads, then a read through kysely, which folds them into SQLite first;
 *       SIGKILL once that transaction has committed and before the log gets its folded mark.
 *
 * The clock is fixed at `at`, so the parent knows every key's expiry (at + INTENT_TTL_MS).
 */
import { FakeClock } from '@cab/domain/testing';
import { openSqliteStorage } from '@cab/infrastructure';
import { IntentLogFile } from '../../../src/driven/storage/sqlite/intent-log';
import { INTENT_TTL_MS, intentOrder } from '../intent-fixtures';

function die(): never {
  process.kill(process.pid, 'SIGKILL');
  // SIGKILL to oneself lands before the next instruction; the wait only makes sure nothing else runs.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60_000);
  throw new Error('still alive after SIGKILL');
}

async function main(): Promise<void> {
  const [dbPath, countArg, atArg, synchronous, mode] = process.argv.slice(2);
  const count = Number(countArg);
  const at = Number(atArg);
  if (
    !dbPath ||
    !Number.isInteger(count) ||
    !Number.isFinite(at) ||
    (synchronous !== 'FULL' && synchronous !== 'NORMAL') ||
    (mode !== 'before-fold' && mode !== 'after-fold')
  )
    throw new Error('usage: intent-writer.ts <dbPath> <count> <at> FULL|NORMAL before-fold|after-fold');
  const storage = openSqliteStorage({ path: dbPath, clock: new FakeClock(at), synchronous, intentLog: true });
  // The moment between the fold's COMMIT and its mark in the log: what a replay must handle twice.
  if (mode === 'after-fold') IntentLogFile.prototype.folded = die;
  const results = [];
  for (let i = 0; i < count; i++) results.push(storage.writeAhead.writeAhead(intentOrder(i, at), INTENT_TTL_MS));
  if (mode === 'before-fold') die();
  for (const r of await Promise.all(results)) if (!r.ok) throw new Error(`write-ahead refused: ${r.code}`);
  await storage.orders.byClientOrderId(intentOrder(0, at).clientOrderId);
  throw new Error('the read did not fold the intents');
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
