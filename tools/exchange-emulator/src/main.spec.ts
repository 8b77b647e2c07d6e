import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import ccxt from 'ccxt';

// The standalone server as `nx serve exchange-emulator` runs it (tsx + main.ts), in its own
// process, driven by the real ccxt client.
const root = join(__dirname, '..', '..', '..');
let child: ChildProcess;
let url = '';
let stderr = '';

beforeAll(async () => {
  child = spawn(
    process.execPath,
    ['--require', 'tsx/cjs', join(__dirname, 'main.ts'), '--port', '0', '--balance', 'USDT=1000,BTC=0', '--api-key', 'k1', '--api-secret', 's1'],
    {
      cwd: root,
      env: { ...process.env, TSX_TSCONFIG_PATH: join(root, 'tools/exchange-emulator/tsconfig.lib.json') },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (\S+)/.exec(out);
      if (m?.[1]) resolve(m[1]);
    });
    child.on('exit', (code) => reject(new Error(`emulator exited ${code}: ${stderr}`)));
  });
}, 60_000);

afterAll(async () => {
  if (child.exitCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
});

describe('exchange-emulator standalone', () => {
  it('serves ccxt: load markets, read balance, buy by cost, sell, fetch the orders', async () => {
    const ex = new ccxt.gate({
      apiKey: 'k1',
      secret: 's1',
      has: { fetchCurrencies: false },
      options: { fetchMarkets: { types: ['spot'] }, unifiedAccount: false },
    });
    const api = ex.urls['api'] as Record<string, Record<string, string>>;
    for (const scope of ['public', 'private']) for (const k of Object.keys(api[scope] ?? {})) (api[scope] as Record<string, string>)[k] = url;

    await ex.loadMarkets();
    expect(Object.keys(ex.markets as object).sort()).toEqual(['BTC/USDT', 'ETH/USDT']);
    expect((await ex.fetchBalance())['USDT']?.free).toBe(1000);

    const buy = await ex.createMarketBuyOrderWithCost('BTC/USDT', 100);
    expect(buy.status).toBe('closed');
    const bal = await ex.fetchBalance();
    const btc = bal['BTC']?.free ?? 0;
    expect(btc).toBeGreaterThan(0);

    const sellAmount = Math.floor(btc * 1e6) / 1e6;
    const sell = await ex.createOrder('BTC/USDT', 'market', 'sell', sellAmount);
    expect(sell.status).toBe('closed');

    const closed = await ex.fetchClosedOrders('BTC/USDT');
    expect(closed.map((o) => o.id).sort()).toEqual([buy.id, sell.id].sort());
    expect((await ex.fetchOrder(buy.id as string, 'BTC/USDT')).side).toBe('buy');
    expect((await ex.fetchMyTrades('BTC/USDT')).length).toBeGreaterThanOrEqual(2);
  });

  it('refuses a wrong key, as Gate does', async () => {
    const ex = new ccxt.gate({
      apiKey: 'testkey',
      secret: 'testsecret',
      has: { fetchCurrencies: false },
      options: { fetchMarkets: { types: ['spot'] }, unifiedAccount: false },
    });
    const api = ex.urls['api'] as Record<string, Record<string, string>>;
    for (const scope of ['public', 'private']) for (const k of Object.keys(api[scope] ?? {})) (api[scope] as Record<string, string>)[k] = url;
    await expect(ex.fetchBalance()).rejects.toThrow(ccxt.AuthenticationError);
  });
});
