import { join } from 'node:path';
import { BotProcess, type ChildMessage } from './bot-process';
import type { Prng } from './prng';
import { safetyProblems, type SafetyView } from './safety-check';

export interface SafetyProbeOptions {
  env: Record<string, string>;
  prng: Prng;
  workDir: string;
  symbol: string;
  /** Every bot started is pushed here, so the rehearsal kills it whatever happens. */
  bots: BotProcess[];
  readyTimeoutMs: number;
  /** Ceiling on the wait for the panel to show everything armed: a condition, not a speed assertion. */
  armTimeoutMs: number;
  /** How old the switch's last refresh may be (see SafetyExpectation.recentMs). */
  recentMs: number;
}

export interface SafetyProbeResult {
  armed: boolean;
  /** Why not, in the rehearsal's words (empty when armed). */
  problems: string[];
}

const isStart = (m: ChildMessage): m is Extract<ChildMessage, { kind: 'ready' | 'refused' | 'error' }> =>
  m.kind === 'ready' || m.kind === 'refused' || m.kind === 'error';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * A live cycle as the operator runs it: the SERVER composition (control API and dashboard routes) on the
 * shared database, started with POST /orchestrator/start and the API token, trading its coin flips;
 * then GET /api/safety, with the token, until it shows the dead man's switch armed with a future
 * deadline and a recent refresh, the instance lock held by the bot's pid, and a reconcile pass — or
 * the ceiling passes, and the last answer's shortfalls fail the rehearsal. Ends with kill -9, as a cycle does.
 */
export async function safetyProbe(o: SafetyProbeOptions): Promise<SafetyProbeResult> {
  const env: Record<string, string> = { ...o.env, PORT: '0' };
  const token = env['API_TOKEN'] ?? '';
  const bot = new BotProcess({ kind: 'start', env, phase: 'trade', seed: o.prng.int(1, 2 ** 31), role: 'server' }, join(o.workDir, 'safety-probe.log'));
  o.bots.push(bot);
  const fail = async (why: string): Promise<SafetyProbeResult> => {
    await bot.kill9();
    return { armed: false, problems: [`safety probe: ${why}`] };
  };
  const started = await bot.waitFor(isStart, o.readyTimeoutMs);
  if (started?.kind !== 'ready')
    return fail(`the server did not start (${started ? `${started.kind}: ${started.message.split('\n')[0]}` : 'not ready in time'})`);
  const auth = { authorization: `Bearer ${token}` };
  try {
    const r = await fetch(`${started.url}/orchestrator/start`, { method: 'POST', headers: auth });
    if (!r.ok) return fail(`POST /orchestrator/start answered ${r.status}: ${(await r.text()).slice(0, 200)}`);
  } catch (e) {
    return fail(`POST /orchestrator/start failed: ${e instanceof Error ? e.message : String(e)}`);
  }
  const deadline = Date.now() + o.armTimeoutMs;
  let last = ['no answer from GET /api/safety yet'];
  while (Date.now() < deadline && bot.alive) {
    try {
      const r = await fetch(`${started.url}/api/safety`, { headers: auth });
      const now = Date.now();
      if (!r.ok) last = [`GET /api/safety answered ${r.status}: ${(await r.text()).slice(0, 200)}`];
      else last = safetyProblems((await r.json()) as SafetyView, { symbol: o.symbol, pid: started.pid, now, recentMs: o.recentMs });
      if (last.length === 0) {
        await bot.kill9();
        return { armed: true, problems: [] };
      }
    } catch (e) {
      last = [`GET /api/safety failed: ${e instanceof Error ? e.message : String(e)}`];
    }
    await sleep(250);
  }
  const why = bot.alive ? `not armed within ${o.armTimeoutMs / 1000} s` : 'the bot exited';
  return fail(`${why}: ${last.join('; ')}`);
}
