import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RecordingLogger } from '@cab/application/testing';
import { parseSettings } from '../../settings';
import { tempDir } from '../../testing';
import { compose, type BotApp } from './compose';

// A paper bot on a SQLite file holds its BOT_ID's lock beside its order intent log (docs/core.md,
// "The write-ahead": the log and its refusals are exact only with one writer per bot). Real
// processes: the first bot is a child (test/paper-bot-child.ts) run with tsx.
const ROOT = path.resolve(__dirname, '../../../../..');
const CHILD = path.join(ROOT, 'libs/infrastructure/test/paper-bot-child.ts');

function startChild(dbPath: string, botId: string): { child: ChildProcess; line: Promise<{ pid: number; ok: boolean; error?: string }> } {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dbPath, botId], {
    cwd: ROOT,
    env: { ...process.env, TSX_TSCONFIG_PATH: path.join(ROOT, 'tsconfig.base.json') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const line = new Promise<{ pid: number; ok: boolean; error?: string }>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve(JSON.parse(out.slice(0, nl)) as { pid: number; ok: boolean });
    });
    child.on('exit', (code) => reject(new Error(`child exited (${code}) before answering: ${stderr}`)));
  });
  return { child, line };
}

const exited = (c: ChildProcess): Promise<void> =>
  c.exitCode !== null || c.signalCode !== null ? Promise.resolve() : new Promise((resolve) => c.once('exit', () => resolve()));

describe('the paper instance lock (real processes, a real SQLite file)', () => {
  let tmp: ReturnType<typeof tempDir>;
  let db: string;
  const children: ChildProcess[] = [];
  const apps: BotApp[] = [];
  const here = (botId: string): Promise<BotApp> =>
    compose(parseSettings({ DB_PATH: db, BOT_ID: botId, MARKET_DATA: 'replay' }, { cwd: tmp.dir, readFile: (p) => fs.readFileSync(p, 'utf8') }), {
      logger: new RecordingLogger(),
    });

  beforeEach(() => {
    tmp = tempDir('cab-paper-lock-');
    db = path.join(tmp.dir, 'bot.db');
  });
  afterEach(async () => {
    for (const a of apps.splice(0)) await a.close();
    for (const c of children.splice(0)) {
      if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
      await exited(c);
    }
    tmp.cleanup();
  });

  it('a second bot under the same BOT_ID is refused naming the first, before it opens the intent log; another BOT_ID shares the file', async () => {
    const first = startChild(db, 'bot-a');
    children.push(first.child);
    expect(await first.line).toMatchObject({ ok: true });
    const log = `${db}-intents-bot-a`;
    expect(fs.existsSync(`${log}.lock`)).toBe(true);
    // What a replay at a second start would fold and empty under the running bot: it must not be read.
    fs.appendFileSync(log, 'the running bot owns this file\n');

    await expect(here('bot-a')).rejects.toMatchObject({
      code: 'COMPOSE.LOCK_REFUSED',
      message: expect.stringMatching(
        new RegExp(
          `^bot "bot-a" is already running on ${db} \\(pid ${first.child.pid} on ${os.hostname()}, started [^;]+; its lock: ${db}-intents-bot-a\\.lock\\): stop it first, or give this one another BOT_ID$`,
        ),
      ),
    });
    expect(fs.readFileSync(log, 'utf8')).toContain('the running bot owns this file\n');

    const other = await here('bot-b');
    apps.push(other);
    expect(other.lockInfo).not.toBeNull();
  });

  it('a bot stopped (its lock released) or killed -9 (its pid gone) leaves the BOT_ID free to start again', async () => {
    const stopped = startChild(db, 'bot-a');
    children.push(stopped.child);
    expect(await stopped.line).toMatchObject({ ok: true });
    stopped.child.kill('SIGTERM');
    await exited(stopped.child);
    expect(fs.existsSync(`${db}-intents-bot-a.lock`)).toBe(false);

    const killed = startChild(db, 'bot-a');
    children.push(killed.child);
    expect(await killed.line).toMatchObject({ ok: true });
    killed.child.kill('SIGKILL');
    await exited(killed.child);
    expect(fs.existsSync(`${db}-intents-bot-a.lock`)).toBe(true);

    const again = await here('bot-a');
    apps.push(again);
    expect(again.lockInfo?.holder).toBe(`pid ${process.pid} on ${os.hostname()}`);
  });
});
