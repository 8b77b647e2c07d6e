import { PassThrough } from 'node:stream';
import { setImmediate as tick } from 'node:timers/promises';
import { withCorrelationId } from './correlation';
import { createLogger, type Level } from './winston-logger';
import { REDACTED } from './redact';

const SECRET = 'KNOWN-secret-value-9911';

function capture(level: Level = 'debug', secrets: string[] = [SECRET]) {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c.toString()));
  const logger = createLogger({ level, secrets, stream, base: { app: 'test' } });
  const lines = async () => {
    await tick();
    return chunks
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  };
  return { logger, lines, raw: () => chunks.join('') };
}

describe('logger', () => {
  it('writes one JSON object a line with level, message, timestamp and base fields', async () => {
    const { logger, lines } = capture();
    logger.info('started', { port: 8000 });
    logger.warn('slow', { ms: 12 });
    const out = await lines();
    expect(out).toHaveLength(2);
    expect(out[0]).toMatchObject({ level: 'info', message: 'started', port: 8000, app: 'test' });
    expect(typeof out[0]?.['timestamp']).toBe('string');
  });

  it('honours the level', async () => {
    const { logger, lines } = capture('warn');
    logger.debug('hidden');
    logger.info('hidden');
    logger.error('shown');
    expect((await lines()).map((l) => l['message'])).toEqual(['shown']);
  });

  it('carries the correlation id across async work', async () => {
    const { logger, lines } = capture();
    await withCorrelationId('corr-1', async () => {
      await new Promise((r) => setTimeout(r, 1));
      logger.info('inside');
    });
    logger.info('outside');
    const out = await lines();
    expect(out[0]?.['correlationId']).toBe('corr-1');
    expect(out[1]?.['correlationId']).toBeUndefined();
  });

  it('redacts secrets by key name', async () => {
    const { logger, lines } = capture('debug', []);
    logger.info('auth', { apiKey: 'abc123456', headers: { Authorization: 'Bearer xyz12345' }, token: 't0k3n-xx', other: 'fine' });
    const [line] = await lines();
    expect(line).toMatchObject({ apiKey: REDACTED, headers: { Authorization: REDACTED }, token: REDACTED, other: 'fine' });
  });

  it('redacts known secret values wherever they appear', async () => {
    const { logger, lines, raw } = capture();
    const err = new Error(`GET https://api.example/bot${SECRET}/sendMessage failed`);
    logger.error(`request with ${SECRET} failed`, { url: `https://x/${SECRET}`, err, list: [SECRET] });
    const child = logger.child({ component: 'alerts' });
    child.info('again', { note: `prefix-${SECRET}-suffix` });
    await lines();
    expect(raw()).not.toContain(SECRET);
    expect(raw()).toContain(REDACTED);
    expect(raw()).toContain('"component":"alerts"');
  });

  it('masks a secret registered later', async () => {
    const { logger, raw, lines } = capture('debug', []);
    logger.addSecret('late-secret-42');
    logger.info('value late-secret-42');
    await lines();
    expect(raw()).not.toContain('late-secret-42');
  });

  it('writes a value shared by two fields twice (only a true cycle is cut)', async () => {
    const { logger, lines } = capture();
    const zero = { v: '0' };
    logger.info('order', { filled: zero, fee: zero, key: 'BTC/USDT:buy:28333333' });
    const [line] = await lines();
    expect(line).toMatchObject({ filled: { v: '0' }, fee: { v: '0' }, key: 'BTC/USDT:buy:28333333' });
  });

  it('survives circular fields', async () => {
    const { logger, lines } = capture();
    const a: Record<string, unknown> = { name: 'a' };
    a['self'] = a;
    logger.info('circular', { a });
    const [line] = await lines();
    expect(line?.['a']).toEqual({ name: 'a', self: '[circular]' });
  });
});
