// Test helpers for @cab/infrastructure: import from '@cab/infrastructure/testing' in specs only.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '@cab/domain';
import { openSqliteStorage, type SqliteStorage, type SqliteStorageOptions } from './driven/storage/sqlite-storage';
export { brokerContract, type BrokerHarness } from './driven/venue/venue.contract';
export { makePaperHarness, type PaperHarness, type PaperHarnessOptions } from './driven/venue/paper/testing/paper-harness';

// Telegram Bot API fake (feat/pipeline-parts).

export interface RecordedRequest {
  method: string;
  /** Path including the bot token: tests assert the token went to the server and nowhere else. */
  path: string;
  body: unknown;
}

export type FakeReply =
  | { kind: 'ok' }
  | { kind: 'status'; status: number; body: unknown; headers?: Record<string, string> }
  /** Never answers (a timeout test); the socket is destroyed on close(). */
  | { kind: 'hang' };

/**
 * A loopback fake of the Telegram Bot API: a real node:http server on 127.0.0.1:0 that records
 * every request and answers from a script (default: `{"ok":true,...}` like sendMessage).
 */
export class FakeTelegramApi {
  readonly requests: RecordedRequest[] = [];
  private readonly script: FakeReply[] = [];
  private server: Server | null = null;

  /** Queues replies for the next requests, in order; after them the fake answers ok. */
  reply(...replies: FakeReply[]): this {
    this.script.push(...replies);
    return this;
  }
  /** A 429 as Telegram sends it. */
  static tooManyRequests(retryAfterSeconds: number): FakeReply {
    return {
      kind: 'status',
      status: 429,
      body: { ok: false, error_code: 429, description: `Too Many Requests: retry after ${retryAfterSeconds}`, parameters: { retry_after: retryAfterSeconds } },
    };
  }

  /** Starts listening; resolves to the base URL to pass as apiBaseUrl. */
  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  async close(): Promise<void> {
    const s = this.server;
    if (!s) return;
    this.server = null;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  /** Texts of the sendMessage requests received. */
  texts(): string[] {
    return this.requests.map((r) => (r.body as { text?: string }).text ?? '');
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: unknown = raw;
    try {
      body = JSON.parse(raw);
    } catch {
      // keep the raw text: a malformed request is itself worth asserting on
    }
    this.requests.push({ method: req.method ?? '', path: req.url ?? '', body });
    const reply = this.script.shift() ?? { kind: 'ok' };
    if (reply.kind === 'hang') return;
    const [status, payload, headers] =
      reply.kind === 'ok'
        ? [200, { ok: true, result: { message_id: this.requests.length, date: 0, chat: { id: 1 }, text: '' } }, {}]
        : [reply.status, reply.body, reply.headers ?? {}];
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(payload));
  }
}

/** A fresh folder under the OS temp dir; `cleanup()` removes it. */
export function tempDir(prefix = 'cab-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * A migrated SQLite storage on a real file in a temp folder (tests use real SQLite, not mocks).
 * `dispose()` closes it and deletes the folder.
 */
export function openTempStorage(
  clock: Clock,
  options: Partial<Omit<SqliteStorageOptions, 'clock' | 'path'>> = {},
): SqliteStorage & { dir: string; dbPath: string; dispose: () => Promise<void> } {
  const { dir, cleanup } = tempDir('cab-db-');
  const dbPath = join(dir, 'test.db');
  const storage = openSqliteStorage({ ...options, path: dbPath, clock });
  return {
    ...storage,
    dir,
    dbPath,
    dispose: async () => {
      await storage.close();
      cleanup();
    },
  };
}
export { SEED_DAY, SEED_EXPECTED, seedTrades, type SeedableStorage } from './driving/reports/testing/seed-trades';

// The pipeline contract (feat/pipeline): the same specs in paper and live (emulator) mode.
export {
  pipelineContract,
  startBot,
  settingsFor,
  SYMBOL as PIPELINE_SYMBOL,
  type PipelineWorld,
  type PipelineBot,
} from './driving/compose/testing/pipeline.contract';
export { ScriptedMarketData, ScriptedStrategy } from './driving/compose/testing/scripted';
export { makePaperPipelineWorld, ordersFromTrades } from './driving/compose/testing/paper-world';
export { createTestPostgresDatabase, testPostgresUrl, type TestPostgresDatabase } from './testing/postgres-database';
export { openTempPostgresStorage } from './testing/postgres-storage';
