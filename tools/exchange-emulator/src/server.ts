import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dec, str } from '@cab/domain';
import { handleAdmin } from './admin';
import { verifySignature } from './auth';
import { readCandleCsv, type CsvCandle } from './engine/candles';
import { Exchange, type ExecutionFault } from './engine/exchange';
import { DEFAULT_PAIRS, Pair, type PairSpec } from './engine/markets';
import { DEFAULT_BOOK, PriceFeed, type BookShape } from './engine/price-feed';
import { FaultQueue, type Fault } from './faults';
import { GateError } from './gate-error';
import { matchRoute } from './routes';

export interface EmulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  apiKey?: string;
  apiSecret?: string;
  /** Starting balances, e.g. { USDT: '10000', BTC: '0' }. */
  balances?: Record<string, string>;
  pairs?: PairSpec[];
  /** Candle CSV (timestamp,open,high,low,close,volume) replayed for `dataPair`. */
  dataFile?: string;
  candles?: CsvCandle[];
  dataPair?: string;
  /** Fixed prices by pair; a pair without candles needs one. */
  prices?: Record<string, string>;
  /** Clock milliseconds per candle of the replay (default 60 000; 0 = advance by hand only). */
  candleStepMs?: number;
  /** First candle of the replay (default: the middle of the file, so there is history). */
  startIndex?: number;
  book?: Partial<BookShape>;
  /** The clock (default the wall clock). Signatures are checked against it. */
  now?: () => number;
  /**
   * Added to that clock (ms; negative = behind): the venue's clock off from the bot's, as a bot
   * with a skewed local clock sees it (REQUEST_EXPIRED past 60 s; GET /spot/time tells the offset).
   */
  clockOffsetMs?: number;
  /** Keep the last N requests in `requests` (default 200). */
  keepRequests?: number;
}

export interface LoggedRequest {
  method: string;
  path: string;
  query: string;
  body: string;
  status: number;
  faults: Fault['kind'][];
}

export interface Emulator {
  /** Base URL for ccxt: http://127.0.0.1:PORT/api/v4 */
  url: string;
  port: number;
  exchange: Exchange;
  faults: FaultQueue;
  requests: LoggedRequest[];
  setPrice(pair: string, price: string | null): void;
  advance(pair: string, candles?: number): void;
  snapshot(): Record<string, unknown>;
  close(): Promise<void>;
}

const DEFAULT_PRICES: Record<string, string> = { BTC_USDT: '17000', ETH_USDT: '1250' };

/** Starts the emulator on 127.0.0.1. Tests use port 0 and the returned url. */
export async function startEmulator(opts: EmulatorOptions = {}): Promise<Emulator> {
  const base = opts.now ?? (() => Date.now());
  const offset = opts.clockOffsetMs ?? 0;
  const now = offset === 0 ? base : () => base() + offset;
  const apiKey = opts.apiKey ?? 'testkey';
  const apiSecret = opts.apiSecret ?? 'testsecret';
  const dataPair = opts.dataPair ?? 'BTC_USDT';
  const candles = opts.candles ?? (opts.dataFile ? readCandleCsv(opts.dataFile) : null);
  const book: BookShape = { ...DEFAULT_BOOK, ...opts.book };
  const feeds = (opts.pairs ?? DEFAULT_PAIRS).map((spec) => {
    const useCandles = spec.id === dataPair ? candles : null;
    const price = opts.prices?.[spec.id] ?? (useCandles ? undefined : (DEFAULT_PRICES[spec.id] ?? '100'));
    return new PriceFeed(new Pair(spec), now, useCandles, { price, stepMs: opts.candleStepMs, startIndex: opts.startIndex, book });
  });
  const exchange = new Exchange(now, feeds, opts.balances ?? { USDT: '10000', BTC: '0' });
  const faults = new FaultQueue();
  const requests: LoggedRequest[] = [];
  const keep = opts.keepRequests ?? 200;
  const sockets = new Set<import('node:net').Socket>();
  const timers = new Set<NodeJS.Timeout>();

  const emu: Emulator = {
    url: '',
    port: 0,
    exchange,
    faults,
    requests,
    setPrice: (pair, price) => exchange.feed(pair).setPrice(price),
    advance: (pair, n = 1) => exchange.feed(pair).advance(n),
    snapshot: () => ({
      balances: Object.fromEntries([...exchange.balances].map(([c, b]) => [c, { available: str(b.available), locked: str(b.locked) }])),
      prices: Object.fromEntries([...exchange.feeds].map(([p, f]) => [p, str(f.price())])),
      openOrders: exchange.openOrders().map((o) => o.id),
      orders: exchange.orders.length,
      trades: exchange.trades.length,
      countdowns: Object.fromEntries(exchange.countdowns),
    }),
    close: async () => {
      for (const t of timers) clearTimeout(t);
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  const server: Server = createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      // A bug in the emulator: say so loudly rather than hang the client.
      send(res, 500, { label: 'INTERNAL', message: `emulator bug: ${(err as Error).message}` });
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawBody = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = (req.method ?? 'GET').toUpperCase();
    let body: unknown = undefined;
    if (rawBody !== '') {
      try {
        body = JSON.parse(rawBody);
      } catch {
        return send(res, 400, { label: 'INVALID_REQUEST_BODY', message: 'body is not JSON' });
      }
    }
    if (url.pathname.startsWith('/__admin/')) {
      const r = handleAdmin(emu, method, url.pathname, body);
      return send(res, r.status, r.body);
    }
    const rawQuery = (req.url ?? '').includes('?') ? (req.url ?? '').slice((req.url ?? '').indexOf('?') + 1) : '';
    const path = url.pathname.startsWith('/api/v4') ? url.pathname.slice('/api/v4'.length) : url.pathname;
    const taken = faults.take(method, path);
    const log: LoggedRequest = { method, path, query: rawQuery, body: rawBody, status: 0, faults: taken.map((f) => f.kind) };
    requests.push(log);
    if (requests.length > keep) requests.shift();

    const has = <K extends Fault['kind']>(k: K): Extract<Fault, { kind: K }> | undefined =>
      taken.find((f) => f.kind === k) as Extract<Fault, { kind: K }> | undefined;

    if (has('reset')) {
      log.status = -1;
      req.socket.destroy();
      return;
    }
    const canned = has('respond');
    if (canned) {
      log.status = canned.status ?? 200;
      return send(res, log.status, canned.body);
    }
    const statusFault = has('status');
    const answerStatus = (): void => {
      if (!statusFault) return;
      const label = statusFault.label ?? (statusFault.status === 429 ? 'TOO_MANY_REQUESTS' : undefined);
      const headers: Record<string, string> = statusFault.retryAfterSec !== undefined ? { 'Retry-After': String(statusFault.retryAfterSec) } : {};
      log.status = statusFault.status;
      send(res, statusFault.status, label ? { label, message: statusFault.message ?? 'injected fault' } : 'injected fault', headers);
    };
    if (statusFault && !statusFault.afterProcessing) return answerStatus();

    let status: number;
    let out: unknown;
    try {
      const m = matchRoute(method, path);
      if (!m) throw new GateError(404, 'NOT_FOUND', `no route ${method} ${path}`);
      if (m.route.private) {
        verifySignature({ method, fullPath: url.pathname, rawQuery, body: rawBody, headers: req.headers }, apiKey, apiSecret, now());
      }
      exchange.tick();
      const partial = has('partial-fill');
      const execution: ExecutionFault = {
        ...(partial ? { fillRatio: dec(partial.ratio) } : {}),
        ...(has('report-cancelled') ? { reportCancelled: true } : {}),
      };
      out = m.route.handle({ method, path, params: m.params, query: url.searchParams, body }, { exchange, now, execution });
      status = m.route.status ?? 200;
    } catch (err) {
      if (!(err instanceof GateError)) throw err;
      status = err.status;
      out = err.body();
    }
    log.status = status;
    if (statusFault) return answerStatus();
    if (has('lost-response')) {
      // The exchange did the work; the client never hears about it.
      log.status = -1;
      req.socket.destroy();
      return;
    }
    const delay = has('delay');
    if (delay) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => {
          timers.delete(t);
          resolve();
        }, delay.ms);
        timers.add(t);
      });
      if (res.destroyed || req.socket.destroyed) return;
    }
    send(res, status, out);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const addr = server.address() as AddressInfo;
  emu.port = addr.port;
  emu.url = `http://${opts.host ?? '127.0.0.1'}:${addr.port}/api/v4`;
  // Countdowns fire on time even when no request arrives.
  const sweep = setInterval(() => {
    try {
      exchange.tick();
    } catch (err) {
      console.error(`exchange-emulator: tick failed: ${(err as Error).message}`);
    }
  }, 500);
  sweep.unref();
  server.on('close', () => clearInterval(sweep));
  return emu;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': typeof body === 'string' ? 'text/plain' : 'application/json', ...headers });
  res.end(text);
}
