export interface EmulatorFlags {
  port: number;
  host: string;
  data?: string;
  apiKey: string;
  apiSecret: string;
  balances: Record<string, string>;
  prices: Record<string, string>;
  candleStepMs?: number;
  clockOffsetSec?: number;
}

const USAGE = `exchange-emulator — Gate.io v4 spot emulator on loopback
  --port N            listen port (default 8600; 0 = any free port)
  --host H            listen address (default 127.0.0.1)
  --data FILE         candle CSV (timestamp,open,high,low,close,volume) replayed for BTC_USDT
  --api-key K         (default testkey)
  --api-secret S      (default testsecret)
  --balance LIST      starting balances, e.g. USDT=10000,BTC=0
  --price LIST        fixed prices, e.g. ETH_USDT=1250
  --candle-step-ms N  clock ms per replayed candle (default 60000; 0 = advance via /__admin/advance)
  --clock-offset-sec N  the venue's clock this many seconds ahead of the machine's (negative: behind)`;

/** Plain argv parsing: `--flag value` or `--flag=value`. Throws with the usage text on a bad flag. */
export function parseFlags(argv: string[]): EmulatorFlags | 'help' {
  const f: EmulatorFlags = { port: 8600, host: '127.0.0.1', apiKey: 'testkey', apiSecret: 'testsecret', balances: { USDT: '10000', BTC: '0' }, prices: {} };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--help' || arg === '-h') return 'help';
    if (!arg.startsWith('--')) throw new Error(`unexpected argument ${arg}\n${USAGE}`);
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined) throw new Error(`--${name} needs a value\n${USAGE}`);
    switch (name) {
      case 'port':
        f.port = int(name, value);
        break;
      case 'host':
        f.host = value;
        break;
      case 'data':
        f.data = value;
        break;
      case 'api-key':
        f.apiKey = value;
        break;
      case 'api-secret':
        f.apiSecret = value;
        break;
      case 'balance':
        f.balances = pairs(name, value);
        break;
      case 'price':
        f.prices = pairs(name, value);
        break;
      case 'candle-step-ms':
        f.candleStepMs = int(name, value);
        break;
      case 'clock-offset-sec':
        if (!/^-?\d+$/.test(value)) throw new Error(`--${name} must be a whole number of seconds, got ${value}`);
        f.clockOffsetSec = Number(value);
        break;
      default:
        throw new Error(`unknown flag --${name}\n${USAGE}`);
    }
  }
  return f;
}

export { USAGE };

function int(name: string, v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer, got ${v}`);
  return n;
}

function pairs(name: string, v: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of v.split(',').filter(Boolean)) {
    const [k, x] = part.split('=');
    if (!k || x === undefined || !/^\d+(\.\d+)?$/.test(x)) throw new Error(`--${name} expects KEY=AMOUNT[,KEY=AMOUNT], got ${part}`);
    out[k.trim()] = x.trim();
  }
  return out;
}
