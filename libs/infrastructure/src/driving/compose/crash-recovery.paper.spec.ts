import { fork, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { dec } from '@cab/domain';
import { tempDir } from '../../testing';

const REPO_ROOT = resolve(__dirname, '../../../../..');
const CHILD = resolve(__dirname, '../../../test/pipeline/paper-bot-child.ts');

function run(args: string[]): {
  child: ChildProcess;
  messages: { kind: string; [k: string]: unknown }[];
  done: Promise<{ code: number | null; signal: string | null; stderr: string }>;
} {
  const child = fork(CHILD, args, {
    cwd: REPO_ROOT,
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, TSX_TSCONFIG_PATH: resolve(REPO_ROOT, 'tsconfig.base.json') },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const messages: { kind: string; [k: string]: unknown }[] = [];
  let stderr = '';
  child.stderr?.on('data', (b: Buffer) => (stderr += b.toString()));
  child.stdout?.on('data', () => undefined);
  child.on('message', (m: { kind: string }) => void messages.push(m));
  const done = new Promise<{ code: number | null; signal: string | null; stderr: string }>((r) =>
    child.once('exit', (code, signal) => r({ code, signal, stderr })),
  );
  return { child, messages, done };
}

describe('crash recovery (paper mode, real processes)', () => {
  it('SIGKILL as the order is sent: the restart closes the unsent order, nothing moved, and the signal is never sent twice', async () => {
    const tmp = tempDir('cab-paper-crash-');
    try {
      const db = join(tmp.dir, 'bot.db');
      const first = run(['crash-on-send', db]);
      const death = await first.done;
      expect(death.signal).toBe('SIGKILL');
      expect(first.messages.map((m) => m.kind)).toEqual(['sending']);

      const second = run(['restart', db]);
      const exit = await second.done;
      expect(exit.code).toBe(0);
      const report = second.messages.find((m) => m.kind === 'report');
      expect(report).toBeDefined();
      const reconciled = report!['reconciled'] as { orders: { status: string }[]; position: string; balance: { base: string; quote: string } };
      expect(reconciled.orders).toEqual([{ status: 'rejected', side: 'buy', filledBase: '0' }]);
      expect(reconciled.position).toBe('0');
      expect(reconciled.balance).toEqual({ base: '0', quote: '10000' });
      const again = report!['again'] as typeof reconciled;
      if (report!['sameBucket'] === true) {
        // The key of the bucket is spent: the same signal is never sent again.
        expect(again.orders).toHaveLength(1);
        expect(again.balance).toEqual({ base: '0', quote: '10000' });
      } else {
        // The hour turned between the two runs (rare): a new bucket is a new intent, placed once.
        expect(again.orders.filter((o) => o.status === 'filled')).toHaveLength(1);
      }
      expect(report!['trading']).toBe('active');
    } finally {
      tmp.cleanup();
    }
  }, 60_000);

  it('SIGKILL after the paper broker filled the order, before the settlement committed: the restart settles it from the broker, as against Gate', async () => {
    const tmp = tempDir('cab-paper-crash-fill-');
    try {
      const db = join(tmp.dir, 'bot.db');
      const first = run(['crash-after-fill', db]);
      const death = await first.done;
      expect(death.signal).toBe('SIGKILL');
      expect(first.messages.map((m) => m.kind)).toEqual(['sending', 'filled']);
      const filled = first.messages[1]!;
      expect(filled['ok']).toBe(true);
      expect(filled['status']).toBe('closed');

      const second = run(['restart', db]);
      const exit = await second.done;
      expect({ code: exit.code, error: second.messages.find((m) => m.kind === 'error') }).toEqual({ code: 0, error: undefined });
      const report = second.messages.find((m) => m.kind === 'report')!;
      const reconciled = report['reconciled'] as {
        orders: { status: string; side: string; filledBase: string }[];
        position: string;
        balance: { base: string; quote: string };
      };
      // The order the broker filled is settled as filled, with what the broker filled.
      expect(reconciled.orders).toEqual([{ status: 'filled', side: 'buy', filledBase: filled['filledBase'] }]);
      // Gate takes the buy fee in base: the position is what was filled less that fee, and the
      // broker's free base agrees with it; the quote spent left the account once.
      const held = dec(filled['filledBase'] as string)
        .minus(filled['fee'] as string)
        .toFixed();
      expect(reconciled.position).toBe(held);
      expect(reconciled.balance).toEqual({
        base: held,
        quote: dec('10000')
          .minus(filled['filledQuote'] as string)
          .toFixed(),
      });
      // The same signal in the same bucket is not sent again.
      const again = report['again'] as typeof reconciled;
      if (report['sameBucket'] === true) expect(again).toEqual(reconciled);
      expect(report['trading']).toBe('active');
    } finally {
      tmp.cleanup();
    }
  }, 60_000);

  it('SIGKILL while an operator halt is in force: the restart is still halted, for the same reason, and sends nothing', async () => {
    const tmp = tempDir('cab-paper-crash-halt-');
    try {
      const db = join(tmp.dir, 'bot.db');
      const first = run(['halt-and-die', db]);
      const death = await first.done;
      expect({ signal: death.signal, error: first.messages.find((m) => m.kind === 'error') }).toEqual({ signal: 'SIGKILL', error: undefined });
      expect(first.messages.find((m) => m.kind === 'halted')?.['haltReasons']).toEqual(['OPERATOR: the owner is moving funds']);

      const second = run(['restart', db]);
      const exit = await second.done;
      expect({ code: exit.code, error: second.messages.find((m) => m.kind === 'error') }).toEqual({ code: 0, error: undefined });
      const report = second.messages.find((m) => m.kind === 'report')!;
      expect(report['trading']).toBe('halted');
      expect(report['haltReasons']).toEqual(['OPERATOR: the owner is moving funds']);
      // The buy signal after the restart is refused by the halt: nothing was sent.
      expect((report['again'] as { orders: unknown[] }).orders).toEqual([]);
    } finally {
      tmp.cleanup();
    }
  }, 60_000);
});
