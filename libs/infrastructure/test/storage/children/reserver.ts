/*
 * A child process that races for idempotency keys through the real SqlIdempotencyStore.
 *   reserver.ts <dbPath>
 * Opens the database and sends {ready: true}. Then, for each {key} the parent sends, reserves it
 * at once and answers {key, ok}. The parent sends the same key to two such children at the same
 * moment, so each round is a real race between two processes on one row.
 */
import { openSqliteStorage, systemClock } from '@cab/infrastructure';

async function main(): Promise<void> {
  const [dbPath] = process.argv.slice(2);
  if (!dbPath) throw new Error('usage: reserver.ts <dbPath>');
  const storage = openSqliteStorage({ path: dbPath, clock: systemClock });
  process.on('message', (m: unknown) => {
    if (m === 'exit') {
      void storage.close().then(() => process.exit(0));
      return;
    }
    const key = (m as { key?: unknown }).key;
    if (typeof key !== 'string') return;
    storage.idempotency.reserve(key, 60_000, String(process.pid)).then(
      (r) => process.send?.({ key, ok: r.ok }),
      (e: unknown) => {
        process.stderr.write(`${String(e)}\n`);
        process.exit(1);
      },
    );
  });
  process.send?.({ ready: true });
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
