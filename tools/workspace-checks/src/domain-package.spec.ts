// @cab/domain is a package other bots install on its own. This packs the built package, installs
// the tarball into an empty scratch project and uses it there from CommonJS, ESM and TypeScript.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pack, packDependencies } from './pack-with-dependencies';

const root = path.resolve(__dirname, '../../..');
const dist = path.join(root, 'dist/libs/domain');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

let scratch: string | undefined;

const dir = (): string => {
  if (scratch === undefined) throw new Error('no scratch project: beforeAll failed');
  return scratch;
};

beforeAll(() => {
  if (!fs.existsSync(path.join(dist, 'package.json'))) throw new Error('dist/libs/domain is missing: run `nx build domain` first');
  const s = fs.mkdtempSync(path.join(os.tmpdir(), 'cab-domain-pack-'));
  scratch = s;
  // A fresh, empty npm cache and an unreachable registry: the install below works on a machine whose
  // cache never held big.js's metadata (a fresh clone, `npm ci` fetches tarballs only), and no test
  // reaches the internet. big.js and @types/big.js are packed from this repo's node_modules and given
  // to npm next to the domain's tarball, so its dependency ranges are met without asking a registry.
  const env = { ...process.env, npm_config_cache: path.join(s, '.npm-cache'), npm_config_registry: 'http://127.0.0.1:9/' };
  const domain = pack(dist, s, env);
  const deps = packDependencies(dist, path.join(root, 'node_modules'), s, env);
  fs.writeFileSync(path.join(s, 'files.json'), JSON.stringify(domain.files));
  fs.writeFileSync(path.join(s, 'package.json'), JSON.stringify({ name: 'another-bot', version: '1.0.0', private: true }));
  execFileSync(npm, ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', domain.tarball, ...deps], { cwd: s, stdio: 'pipe', env });
});

afterAll(() => {
  if (scratch !== undefined) fs.rmSync(scratch, { recursive: true, force: true });
});

const run = (file: string, text: string): string => {
  fs.writeFileSync(path.join(dir(), file), text);
  return execFileSync(process.execPath, [file], { cwd: dir(), encoding: 'utf8' }).trim();
};

describe('@cab/domain as an installed package', () => {
  it('ships compiled code and types, no sources of tests', () => {
    const files = JSON.parse(fs.readFileSync(path.join(dir(), 'files.json'), 'utf8')) as string[];
    expect(files).toEqual(expect.arrayContaining(['package.json', 'src/index.js', 'src/index.d.ts', 'src/testing.js']));
    expect(files.filter((f) => f.endsWith('.spec.js') || f.endsWith('.spec.d.ts') || (f.endsWith('.ts') && !f.endsWith('.d.ts')))).toEqual([]);
    const pkg = JSON.parse(fs.readFileSync(path.join(dir(), 'node_modules/@cab/domain/package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
    };
    expect(Object.keys(pkg.dependencies ?? {}).filter((d) => d.startsWith('@cab/'))).toEqual([]);
  });

  it('works from CommonJS', () => {
    expect(run('use.cjs', "const { dec, str } = require('@cab/domain'); console.log(str(dec('0.1').plus(dec('0.2'))));")).toBe('0.3');
  });

  it('works from ESM, with its testing entry', () => {
    const out = run(
      'use.mjs',
      "import { dec, quantizeDown, str } from '@cab/domain'; import { FakeClock } from '@cab/domain/testing';\n" +
        "console.log(`${str(quantizeDown(dec('0.123456'), dec('0.001')))} ${new FakeClock(5).advance(5).now()}`);",
    );
    expect(out).toBe('0.123 10');
  });

  it('type-checks in a TypeScript project', () => {
    fs.writeFileSync(
      path.join(dir(), 'use.ts'),
      "import { dec, Instrument, type Decimal } from '@cab/domain';\n" +
        "const i = new Instrument({ symbol: 'BTC/USDT', base: 'BTC', quote: 'USDT', priceTick: '0.01', amountStep: '0.0001', minBase: '0.0001', minNotional: '3', takerFee: '0.002', makerFee: '0.002' });\n" +
        "const q: Decimal = i.qty('0.123456');\nexport const reason: string | null = i.check(q, dec('100'))?.code ?? null;\n",
    );
    fs.writeFileSync(
      path.join(dir(), 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { strict: true, noEmit: true, module: 'nodenext', moduleResolution: 'nodenext', types: [], skipLibCheck: false },
        files: ['use.ts'],
      }),
    );
    const tsc = path.join(root, 'node_modules/typescript/bin/tsc');
    expect(() => execFileSync(process.execPath, [tsc, '-p', dir()], { cwd: dir(), encoding: 'utf8' })).not.toThrow();
  });
});
