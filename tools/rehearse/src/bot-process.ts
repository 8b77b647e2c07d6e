import { fork, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import { join } from 'node:path';
import type { ChildStatus, StartMessage } from './bot-child';

const CHILD = join(__dirname, 'bot-child.ts');

const REPO_ROOT = join(__dirname, '..', '..', '..');

export type ChildMessage =
  { kind: 'ready'; pid: number; url: string } | ChildStatus | { kind: 'stopped' } | { kind: 'refused'; message: string } | { kind: 'error'; message: string };

/** One run of the bot child: a real process on the shared database, killed or stopped by the runner. */
export class BotProcess {
  readonly child: ChildProcess;
  lastStatus: ChildStatus | null = null;
  readonly messages: ChildMessage[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private waiters: Array<() => void> = [];

  constructor(start: StartMessage, logFile: string) {
    const log = fs.openSync(logFile, 'a');
    this.child = fork(CHILD, [], {
      cwd: REPO_ROOT,
      execArgv: ['--import', 'tsx'],
      // No inherited environment: the bot's settings arrive over IPC, nothing else may leak in.
      env: { TSX_TSCONFIG_PATH: join(REPO_ROOT, 'tsconfig.base.json') },
      stdio: ['ignore', log, log, 'ipc'],
    });
    fs.closeSync(log);
    this.exited = new Promise((resolve) =>
      this.child.once('exit', (code, signal) => {
        this.wake();
        resolve({ code, signal });
      }),
    );
    this.child.on('message', (m: ChildMessage) => {
      this.messages.push(m);
      if (m.kind === 'status') this.lastStatus = m;
      this.wake();
    });
    this.child.send(start);
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resolves with the first message `accept` takes, or null when the child exits or `timeoutMs` passes. */
  async waitFor<T extends ChildMessage>(accept: (m: ChildMessage) => m is T, timeoutMs: number): Promise<T | null> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.find(accept);
      if (found) return found;
      if (!this.alive || Date.now() >= deadline) return null;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.max(0, deadline - Date.now()));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Waits until a status satisfies `done`; null when the child exits or the time is up. */
  async waitForStatus(done: (s: ChildStatus) => boolean, timeoutMs: number): Promise<ChildStatus | null> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.lastStatus && done(this.lastStatus)) return this.lastStatus;
      if (!this.alive || Date.now() >= deadline) return null;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.max(0, deadline - Date.now()));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Sends an IPC command to the bot (see bot-child.ts). */
  command(kind: 'halt' | 'clear-operator-halt'): void {
    if (this.alive) this.child.send({ kind });
  }

  /** kill -9: no handler runs, no buffer is flushed, the database is left as the kill found it. */
  async kill9(): Promise<void> {
    if (this.alive) this.child.kill('SIGKILL');
    await this.exited;
  }

  /** A graceful stop (the worker's own shutdown); kill -9 if it does not finish in time. */
  async stop(timeoutMs: number): Promise<boolean> {
    if (!this.alive) return false;
    this.child.send({ kind: 'stop' });
    const stopped = await Promise.race([this.exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), timeoutMs))]);
    if (!stopped) await this.kill9();
    return stopped && this.messages.some((m) => m.kind === 'stopped');
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}
