import { closeSync, fdatasyncSync, ftruncateSync, fstatSync, openSync, readFileSync, writeSync } from 'node:fs';
import type { OrdersTable } from '../schema';

/** One order's write-ahead as the log keeps it: the row to insert, and its key's reservation time and TTL. */
export interface LoggedIntent {
  /** The clock's time of the write-ahead: the key is reserved as of then (expires at + ttlMs). */
  at: number;
  ttlMs: number;
  row: OrdersTable;
}

/** Every column of an order row (the Record makes a column added to OrdersTable a compile error here). */
export const ORDER_COLUMNS: Record<keyof OrdersTable, null> = {
  bot_id: null,
  client_order_id: null,
  exchange: null,
  exchange_order_id: null,
  symbol: null,
  side: null,
  type: null,
  requested_quote: null,
  requested_base: null,
  status: null,
  filled_base: null,
  filled_quote: null,
  average_price: null,
  fee: null,
  fee_currency: null,
  idempotency_key: null,
  reason: null,
  created_at: null,
  updated_at: null,
};
const COLUMNS = Object.keys(ORDER_COLUMNS) as (keyof OrdersTable)[];

/** The line a fold appends once SQLite holds every intent before it: a replay starts after the last one. */
const FOLDED_LINE = '{"folded":true}';

/** Past this size, a fold empties the file instead of marking it (emptying frees its blocks, and the next append pays to allocate one). */
const CLEAR_AT_BYTES = 1 << 20;

/** Where a bot's intent log lives: beside its SQLite file, one per BOT_ID. */
export function intentLogPath(dbPath: string, botId: string): string {
  return `${dbPath}-intents-${botId}`;
}

export class IntentLogCorrupt extends Error {
  readonly code = 'STORAGE.INTENT_LOG';
}

/**
 * The order intent log (docs/core.md, "The write-ahead"): an append-only file of order rows and
 * their keys, one JSON line each, written before the send and emptied once SQLite holds them.
 *
 * One `write()` per intent, as SQLite at `synchronous=NORMAL` does for its WAL: the line is in the
 * operating system's hands when `append` returns, so it survives a kill -9 of this process (not a
 * power cut). `durable` (DB_SYNCHRONOUS=FULL) adds an fdatasync, as FULL does for each commit.
 */
export class IntentLogFile {
  private fd: number | null = null;
  /** Bytes known good: a failed append is cut back to it, so a half-written line is never followed by another. */
  private size = 0;

  constructor(
    readonly path: string,
    private readonly durable: boolean,
  ) {}

  /**
   * Opens (creating) the file and returns what it holds. A last line without its newline is a write
   * cut short (a power cut; a kill -9 does not split a write): if it still reads as a whole intent
   * it counts (its send may have gone out), else it is returned as `torn` and cut off the file.
   * Any other line that does not read back is corruption: the file is left as it is and this throws.
   */
  open(): { intents: LoggedIntent[]; torn: string | null } {
    const text = readLogFile(this.path);
    const { intents, tail, whole } = parseLog(this.path, text);
    this.fd = openSync(this.path, 'a');
    this.size = Buffer.byteLength(text) - Buffer.byteLength(tail);
    if (tail !== '') ftruncateSync(this.fd, this.size);
    // A whole last line without its newline: the next one must not be glued to it.
    if (whole) this.size += writeSync(this.fd, '\n');
    return { intents, torn: tail === '' ? null : tail };
  }

  append(intent: LoggedIntent): void {
    this.appendLine(intentText(intent));
  }

  private appendLine(text: string): void {
    const fd = this.openFd();
    const line = `${text}\n`;
    // The string as it is (node encodes it in the write): no Buffer made on the order's path.
    const bytes = Buffer.byteLength(line);
    try {
      const n = writeSync(fd, line);
      if (n !== bytes) throw new Error(`short write to ${this.path}: ${n} of ${bytes} bytes`);
      if (this.durable) fdatasyncSync(fd);
    } catch (err) {
      // Nothing of this line may stay: an intent's caller does not send, and the next line must start clean.
      try {
        ftruncateSync(fd, this.size);
      } catch {
        // The next open reads the half line as torn and cuts it.
      }
      throw err;
    }
    this.size += bytes;
  }

  /**
   * Every intent in the file is in SQLite: a small file gets the folded mark (one more line, which
   * keeps its blocks for the next appends), a large one is emptied.
   */
  folded(): void {
    if (this.size >= CLEAR_AT_BYTES) return this.clear();
    this.appendLine(FOLDED_LINE);
  }

  /** Empties the file: every intent in it is in SQLite. */
  clear(): void {
    const fd = this.openFd();
    ftruncateSync(fd, 0);
    this.size = 0;
  }

  /** Bytes in the file (specs). */
  bytes(): number {
    return fstatSync(this.openFd()).size;
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  private openFd(): number {
    if (this.fd === null) throw new Error(`the intent log ${this.path} is not open`);
    return this.fd;
  }
}

/**
 * `JSON.stringify(intent)`, written column by column: the same text (intent-log.spec.ts), at about
 * half the cost on an order's path, where the generic walk runs cold.
 */
export function intentText({ at, ttlMs, row }: LoggedIntent): string {
  let text = `{"at":${jsonValue(at)},"ttlMs":${jsonValue(ttlMs)},"row":{`;
  for (let i = 0; i < COLUMNS.length; i++) {
    const column = COLUMNS[i]!;
    text += `${i === 0 ? '"' : ',"'}${column}":${jsonValue(row[column])}`;
  }
  return `${text}}}`;
}

function jsonValue(v: string | number | null): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : 'null';
  return 'null';
}

/**
 * The intents a log holds that SQLite may not, read without touching the file (a backup beside the
 * running bot): those after its last folded mark. A last line cut short is left out (the bot's next
 * open cuts it); a line that does not read back throws IntentLogCorrupt. A missing file holds none.
 */
export function readIntentLog(path: string): LoggedIntent[] {
  return parseLog(path, readLogFile(path)).intents;
}

function readLogFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    return '';
  }
}

/** The intents after the last folded mark; `tail`, a last line without its newline that is not a whole line; `whole`, one that is. */
function parseLog(path: string, text: string): { intents: LoggedIntent[]; tail: string; whole: boolean } {
  const lines = text.split('\n');
  let tail = lines.pop() ?? '';
  // A whole line may have lost only its newline: an intent (counted), or the folded mark (kept as
  // the mark: cutting it would replay what SQLite holds and report a power cut that cost nothing).
  const whole = tail !== '' && (tail === FOLDED_LINE || parseIntent(tail) !== null);
  if (whole) {
    lines.push(tail);
    tail = '';
  }
  let intents: LoggedIntent[] = [];
  lines.forEach((line, i) => {
    if (line === FOLDED_LINE) return void (intents = []);
    const intent = parseIntent(line);
    if (intent === null)
      throw new IntentLogCorrupt(`${path}: line ${i + 1} is not an order intent; move the file aside to start (its orders are then unknown to the bot)`);
    intents.push(intent);
  });
  return { intents, tail, whole };
}

function parseIntent(line: string): LoggedIntent | null {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof v !== 'object' || v === null) return null;
  const { at, ttlMs, row } = v as Partial<LoggedIntent>;
  if (typeof at !== 'number' || typeof ttlMs !== 'number' || typeof row !== 'object' || row === null) return null;
  if (typeof row.client_order_id !== 'string' || typeof row.bot_id !== 'string') return null;
  return { at, ttlMs, row };
}
