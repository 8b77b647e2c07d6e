import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { monitorHealth, probeHealth } from './health-monitor-command';

/** A real HTTP server on 127.0.0.1 whose /health answer the test sets. */
let reply: { status: number; body: string; hang?: boolean } = { status: 200, body: '{}' };
let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    if (reply.hang) return; // never answers
    res.writeHead(reply.status, { 'content-type': 'application/json' }).end(reply.body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const health = (status: string, components: object[] = []) => JSON.stringify({ status, ready: status !== 'down', components });

describe('probeHealth', () => {
  it.each([
    [200, health('ok'), true, /^healthy HTTP 200 ok$/],
    [200, health('degraded', [{ name: 'telegram', status: 'degraded', detail: 'off' }]), true, /^healthy HTTP 200 degraded: telegram degraded \(off\)$/],
    [503, health('down', [{ name: 'db', status: 'down', detail: 'locked' }]), false, /^UNHEALTHY HTTP 503 down: db down \(locked\)$/],
    [500, 'oops', false, /^HTTP 500, body is not JSON$/],
  ])('HTTP %s %s → healthy=%s', async (status, body, healthy, line) => {
    reply = { status, body };
    const p = await probeHealth(`${base}/health`, 30_000);
    expect(p.healthy).toBe(healthy);
    expect(p.line).toMatch(line);
  });

  it('a server that does not answer is unhealthy after the timeout', async () => {
    reply = { status: 200, body: '', hang: true };
    const p = await probeHealth(`${base}/health`, 200);
    expect(p).toMatchObject({ healthy: false, line: 'no answer within 200 ms' });
  });

  it('a closed port is unhealthy', async () => {
    const other = createServer();
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
    const port = (other.address() as AddressInfo).port;
    await new Promise((r) => other.close(r));
    const p = await probeHealth(`http://127.0.0.1:${port}/health`, 30_000);
    expect(p.healthy).toBe(false);
    expect(p.line).toMatch(/^unreachable: .*ECONNREFUSED/);
  });
});

describe('monitorHealth', () => {
  const run = (count?: number) => {
    const lines: string[] = [];
    const code = monitorHealth({
      url: `${base}/health`,
      timeoutMs: 30_000,
      intervalSec: 0.01,
      ...(count ? { count } : {}),
      now: () => 0,
      print: (l) => lines.push(l),
    });
    return { code, lines };
  };

  it('exits 0 after `count` healthy probes', async () => {
    reply = { status: 200, body: health('ok') };
    const { code, lines } = run(3);
    expect(await code).toBe(0);
    expect(lines).toHaveLength(3);
  });

  it('exits 1 at the first unhealthy probe', async () => {
    reply = { status: 503, body: health('down') };
    const { code, lines } = run();
    expect(await code).toBe(1);
    expect(lines).toEqual(['1970-01-01T00:00:00.000Z UNHEALTHY HTTP 503 down']);
  });
});
