import { errorText, type Logger, type ReconcileMismatch, type ReconcileRepaired } from '@cab/application';
import { StartupRefused } from '../app/startup-refused';
import { compose, type BotApp, type ComposeOverrides } from '../compose/compose';
import { ComposeError } from '../compose/market-data-from-settings';
import type { Settings } from '../../settings/settings';
import { formatTable, type CommandResult } from './table';

export interface ReconcileInput {
  settings: Settings;
  logger: Logger;
  overrides?: ComposeOverrides;
  json?: boolean;
}

/**
 * `cab reconcile`: the bot's books (orders, positions, halts) loaded into the trading core as at
 * start, and one reconcile report of the venue (open orders, trades, balances) applied to them
 * (CoreRuntime.reconcileNow, docs/core.md): what it found and what it settled. It changes state
 * (an order the venue settled is settled, a mismatch halts entries), so in live mode it takes the
 * instance lock like the bot does: it refuses to run beside a live bot (the bot reconciles on its
 * own every RECONCILE_INTERVAL_SEC). Exit 0 on a clean pass, 1 when something still disagrees or
 * a lookup failed. A refusal to compose (the lock held by the running bot, live keys missing) is
 * the operator's to fix: a StartupRefused, printed without a stack, exit 2.
 */
export async function reconcileCommand(input: ReconcileInput): Promise<CommandResult> {
  let app: BotApp;
  try {
    app = await compose(input.settings, { logger: input.logger, ...input.overrides });
  } catch (e) {
    if (e instanceof ComposeError) throw new StartupRefused(e.code, e.message);
    throw e;
  }
  const mismatches: ReconcileMismatch[] = [];
  const repairs: ReconcileRepaired[] = [];
  try {
    app.bus.subscribe('reconcile.mismatch', 'cli', (e) => void mismatches.push(e));
    app.bus.subscribe('reconcile.repaired', 'cli', (e) => void repairs.push(e));
    const findings = await app.orchestrator.reconcileNow();
    await app.bus.drain();
    const clean = findings.halting.length === 0 && findings.errors.length === 0;
    const code = clean ? 0 : 1;
    if (input.json) return { code, stdout: `${JSON.stringify({ findings, mismatches, repairs }, null, 2)}\n` };
    const lines = [
      `reconciled ${input.settings.symbols.join(',')} (${input.settings.mode}): ${findings.checked} checked, ${findings.mismatches} mismatches, ${findings.repaired} repaired`,
    ];
    if (mismatches.length) {
      lines.push(
        '',
        'mismatches:',
        formatTable(
          ['scope', 'symbol', 'subject', 'ours', 'exchange', 'detail'],
          mismatches.map((m) => [m.scope, m.symbol, m.subject, m.expected, m.actual, m.detail]),
        ),
      );
    }
    if (repairs.length)
      lines.push(
        '',
        'repairs:',
        formatTable(
          ['scope', 'symbol', 'subject', 'action'],
          repairs.map((r) => [r.scope, r.symbol, r.subject, r.action]),
        ),
      );
    if (findings.halting.length) lines.push('', 'unresolved (entries halt until a clean pass):', ...findings.halting.map((h) => `  ${h}`));
    if (findings.errors.length) lines.push('', 'lookups that failed:', ...findings.errors.map((e) => `  ${e}`));
    lines.push('', clean ? 'reconcile ok' : 'RECONCILE NOT CLEAN');
    return { code, stdout: `${lines.join('\n')}\n` };
  } catch (e) {
    return { code: 1, stdout: '', stderr: `cab: reconcile failed: ${errorText(e)}\n` };
  } finally {
    await app.close();
  }
}
