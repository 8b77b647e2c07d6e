import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One Bot API call as the fake received it. */
export interface BotApiCall {
  method: string;
  /** From the path /bot<token>/<method>: specs check the token went here and nowhere else. */
  token: string;
  body: Record<string, unknown>;
  /** Answered with a fault (fail()) rather than served. */
  faulted: boolean;
}

export type BotApiFault =
  /** Answers with this status and JSON body (a 429 with retry_after, a 502…). */
  | { kind: 'status'; status: number; body: unknown }
  /** Destroys the connection without an answer: a network error for the client. */
  | { kind: 'drop' };

interface Waiter {
  offset: number;
  deliver: () => void;
}

const BOT = { id: 7000001, is_bot: true, first_name: 'cab', username: 'cab_test_bot' } as const;

/**
 * A loopback fake of the Telegram Bot API, enough for grammY's long polling: a real node:http
 * server on 127.0.0.1:0 that answers getMe, deleteWebhook, getUpdates (long polling: it holds the
 * request until an update arrives or its timeout passes; an offset acknowledges and forgets the
 * updates below it, as Telegram does), sendMessage and answerCallbackQuery (any other method: ok).
 * Specs push updates as a person would (`sendText`, `press`) and read what the bot sent.
 */
export class FakeBotApi {
  readonly calls: BotApiCall[] = [];
  readonly username = BOT.username;
  private server: Server | null = null;
  private updates: { update_id: number; [k: string]: unknown }[] = [];
  private readonly waiters = new Set<Waiter>();
  private readonly faults = new Map<string, BotApiFault[]>();
  private nextUpdateId = 1;
  private nextMessageId = 1;
  /** The highest offset a getUpdates has sent: the updates below it are acknowledged. */
  acknowledged = 0;

  static tooManyRequests(retryAfterSeconds: number): BotApiFault {
    return {
      kind: 'status',
      status: 429,
      body: { ok: false, error_code: 429, description: `Too Many Requests: retry after ${retryAfterSeconds}`, parameters: { retry_after: retryAfterSeconds } },
    };
  }

  static error(status: number, description: string): BotApiFault {
    return { kind: 'status', status, body: { ok: false, error_code: status, description } };
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    const s = this.server;
    if (!s) return;
    this.server = null;
    for (const w of this.waiters) w.deliver();
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  /** The next calls of `method` get these answers, in order. */
  fail(method: string, ...faults: BotApiFault[]): this {
    this.faults.set(method, [...(this.faults.get(method) ?? []), ...faults]);
    return this;
  }

  /** A person writes `text` in a chat (a group when the id is negative). */
  sendText(chatId: number, userId: number, text: string): number {
    const command = text.startsWith('/') ? (text.split(/\s/)[0] ?? '') : '';
    return this.push({
      message: {
        message_id: this.nextMessageId++,
        date: 0,
        chat: chatId < 0 ? { id: chatId, type: 'group', title: 'g' } : { id: chatId, type: 'private', first_name: 'u' },
        from: { id: userId, is_bot: false, first_name: 'u' },
        text,
        ...(command ? { entities: [{ type: 'bot_command', offset: 0, length: command.length }] } : {}),
      },
    });
  }

  /** A person taps an inline button whose callback data is `data`, under a message of the bot in `chatId`. */
  press(chatId: number, userId: number, data: string): number {
    const id = this.nextUpdateId;
    return this.push({
      callback_query: {
        id: `cq-${id}`,
        from: { id: userId, is_bot: false, first_name: 'u' },
        chat_instance: 'ci',
        data,
        message: { message_id: this.nextMessageId++, date: 0, chat: { id: chatId, type: chatId < 0 ? 'group' : 'private', title: 'g' }, from: BOT, text: '…' },
      },
    });
  }

  /** The messages the bot sent (sendMessage) and the fake accepted, optionally only to one chat. */
  sent(chatId?: number): { chatId: number; text: string; replyMarkup: unknown }[] {
    return this.calls
      .filter((c) => c.method === 'sendMessage' && !c.faulted && (chatId === undefined || Number(c.body['chat_id']) === chatId))
      .map((c) => ({ chatId: Number(c.body['chat_id']), text: String(c.body['text']), replyMarkup: c.body['reply_markup'] }));
  }

  of(method: string): BotApiCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  private push(payload: Record<string, unknown>): number {
    const update_id = this.nextUpdateId++;
    this.updates.push({ update_id, ...payload });
    for (const w of [...this.waiters]) if (update_id >= w.offset) w.deliver();
    return update_id;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: Record<string, unknown>;
    try {
      body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    } catch {
      body = { raw }; // a malformed request is itself worth asserting on
    }
    const m = /^\/bot([^/]+)\/(\w+)$/.exec(req.url ?? '');
    const method = m?.[2] ?? '';
    const fault = this.faults.get(method)?.shift();
    this.calls.push({ method, token: decodeURIComponent(m?.[1] ?? ''), body, faulted: fault !== undefined });
    if (fault?.kind === 'drop') return void req.socket.destroy();
    if (fault) return this.json(res, fault.status, fault.body);
    if (!m) return this.json(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
    switch (method) {
      case 'getMe':
        return this.json(res, 200, { ok: true, result: { ...BOT, can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false } });
      case 'getUpdates':
        return this.getUpdates(req, res, body);
      case 'sendMessage':
        return this.json(res, 200, {
          ok: true,
          result: { message_id: this.nextMessageId++, date: 0, chat: { id: Number(body['chat_id']), type: 'private' }, from: BOT, text: body['text'] },
        });
      default:
        return this.json(res, 200, { ok: true, result: true });
    }
  }

  private async getUpdates(req: IncomingMessage, res: ServerResponse, body: Record<string, unknown>): Promise<void> {
    const offset = typeof body['offset'] === 'number' ? body['offset'] : 0;
    const timeoutSec = typeof body['timeout'] === 'number' ? body['timeout'] : 0;
    const limit = typeof body['limit'] === 'number' ? body['limit'] : 100;
    if (offset > this.acknowledged) this.acknowledged = offset;
    this.updates = this.updates.filter((u) => u.update_id >= offset);
    if (this.updates.length === 0 && timeoutSec > 0) {
      await new Promise<void>((resolve) => {
        const w: Waiter = {
          offset,
          deliver: () => {
            clearTimeout(timer);
            this.waiters.delete(w);
            resolve();
          },
        };
        const timer = setTimeout(w.deliver, timeoutSec * 1000);
        this.waiters.add(w);
        // The client gave up (grammY aborts the poll on stop): nobody to answer.
        res.on('close', w.deliver);
      });
    }
    if (res.destroyed || res.writableEnded) return;
    this.json(res, 200, { ok: true, result: this.updates.filter((u) => u.update_id >= offset).slice(0, limit) });
  }

  private json(res: ServerResponse, status: number, payload: unknown): void {
    if (res.destroyed) return;
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(payload));
  }
}

/** Waits until `probe` returns a value (not undefined): specs wait for conditions, never for a time. */
export async function eventually<T>(probe: () => T | undefined, what: string, ceilingMs = 60_000): Promise<T> {
  const deadline = Date.now() + ceilingMs;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
