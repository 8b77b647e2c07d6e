import express from 'express';
import { InProcessEventBus } from '@cab/application';
import { InMemoryDeadLetterSink } from '@cab/application/testing';
import { SequentialIds } from '@cab/domain/testing';
import { systemClock } from '../../driven/time/system-time';
import { EventStream } from './event-stream';
import { listen } from './listen';

const SECRET = 'venue-secret-0123456789';

/** Reads an SSE response until `want` matches what arrived (or the ceiling of the test ends it). */
async function readUntil(res: Response, want: RegExp): Promise<string> {
  const reader = res.body!.getReader();
  let text = '';
  while (!want.test(text)) {
    const { value, done } = await reader.read();
    if (done) break;
    text += Buffer.from(value).toString('utf8');
  }
  await reader.cancel();
  return text;
}

describe('EventStream (server-sent events over real HTTP)', () => {
  it('fans one bus event out to every connected client, secrets masked, and ends the streams on close', async () => {
    const bus = new InProcessEventBus({ clock: systemClock, ids: new SequentialIds('e-'), deadLetters: new InMemoryDeadLetterSink() });
    const stream = new EventStream(bus, (t) => t.split(SECRET).join('[REDACTED]'));
    const app = express();
    app.get('/events', stream.handle);
    const http = await listen(app, '127.0.0.1', 0);
    try {
      const a = await fetch(`${http.url}/events`);
      const b = await fetch(`${http.url}/events`);
      expect(a.headers.get('content-type')).toMatch(/^text\/event-stream/);
      while (stream.size < 2) await new Promise((r) => setTimeout(r, 10));
      bus.emit('trade.failed', { symbol: 'BTC/USDT', side: 'buy', clientOrderId: null, kind: 'fatal', code: 'BROKER.AUTH', message: `key ${SECRET} refused` });
      const [ta, tb] = await Promise.all([readUntil(a, /event: trade\.failed\n/), readUntil(b, /event: trade\.failed\n/)]);
      for (const t of [ta, tb]) {
        expect(t).toMatch(/^retry: 2000\nevent: ready\n/);
        expect(t).toContain('"code":"BROKER.AUTH"');
        expect(t).toContain('key [REDACTED] refused');
        expect(t).not.toContain(SECRET);
      }
      await bus.drain();
    } finally {
      stream.close();
      await http.close(1_000);
    }
    expect(stream.size).toBe(0);
  });
});
