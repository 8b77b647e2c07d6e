import Database from 'better-sqlite3';
import { FakeClock } from '@cab/domain/testing';
import { tempDir } from '@cab/infrastructure/testing';
import { join } from 'node:path';
import { captureStderr, forkTs, killChildren, nextMessage, waitExit } from '../../../../test/storage/fixtures';
import { locateMigrationsDir } from '../migrations/files';
import { migrate } from '../migrations/runner';
import { applyPragmas } from '../sqlite/connection';

jest.setTimeout(60_000);

const ROUNDS = 200;
const isReady = (m: unknown): m is { ready: true } => typeof m === 'object' && m !== null && 'ready' in m;
const answerFor =
  (key: string) =>
  (m: unknown): m is { key: string; ok: boolean } =>
    typeof m === 'object' && m !== null && (m as { key?: unknown }).key === key;

describe('two processes racing to reserve the same idempotency key', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => (tmp = tempDir('cab-race-')));
  afterEach(async () => {
    await killChildren();
    tmp.cleanup();
  });

  it('exactly one process wins each key, and the stored owner is the winner', async () => {
    const dbPath = join(tmp.dir, 'bot.db');
    const db = new Database(dbPath);
    applyPragmas(db, {});
    migrate(db, { dir: locateMigrationsDir(), clock: new FakeClock() });
    db.close();

    const children = [forkTs('reserver.ts', [dbPath]), forkTs('reserver.ts', [dbPath])] as const;
    const stderr = children.map(captureStderr);
    await Promise.all(children.map((c, i) => nextMessage(c, isReady, stderr[i])));

    const wins = [0, 0];
    for (let round = 0; round < ROUNDS; round++) {
      const key = `key-${round}`;
      const answers = children.map((c, i) => nextMessage(c, answerFor(key), stderr[i]));
      for (const c of children) c.send({ key });
      const [a, b] = await Promise.all(answers);
      expect([a?.ok, b?.ok].filter(Boolean)).toHaveLength(1);
      wins[a?.ok ? 0 : 1]! += 1;
    }
    for (const c of children) c.send('exit');
    await Promise.all(children.map(waitExit));

    const check = new Database(dbPath);
    try {
      const rows = check.prepare('SELECT ref, count(*) n FROM idempotency_keys GROUP BY ref ORDER BY ref').all() as { ref: string; n: number }[];
      const byOwner = new Map(rows.map((r) => [r.ref, r.n]));
      expect(byOwner.get(String(children[0].pid)) ?? 0).toBe(wins[0]);
      expect(byOwner.get(String(children[1].pid)) ?? 0).toBe(wins[1]);
    } finally {
      check.close();
    }
    // Not an assertion (who wins is up to the scheduler): shows the races were real.
    process.stdout.write(`idempotency race: process A won ${wins[0]}, process B won ${wins[1]} of ${ROUNDS} keys\n`);
  });
});
