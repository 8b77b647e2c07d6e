import { join } from 'node:path';
import { tmpdir } from 'node:os';
import type { InstanceLock, LockHeartbeatResult, Logger } from '@cab/application';
import type { Clock } from '@cab/domain';
import type { Settings } from '../../settings/settings';
import { intentLogPath } from '../storage/sqlite/intent-log';
import { FileInstanceLock } from './file-instance-lock';
import { PostgresInstanceLock } from './postgres-instance-lock';

export interface InstanceLockDeps {
  /** The wall clock (the file lock's heartbeats). */
  clock: Clock;
  logger: Logger;
  /** Overrides LOCK_DIR (tests). */
  lockDir?: string | undefined;
  /** Called once when the lock is lost: halt trading (compose: LOCK.LOST). */
  onLost: (result: Extract<LockHeartbeatResult, { ok: false }>) => void;
}

/**
 * Which instance lock a bot takes (docs/postgres.md, "Instance lock"):
 *  - DB_URL set: the Postgres lock, in EVERY mode. Bots sharing one database are told apart only by
 *    BOT_ID, so two processes under one BOT_ID would write one bot's rows twice, paper included; in
 *    live mode the exchange account is locked too.
 *  - else, live: the lock files beside the SQLite file and in LOCK_DIR (docs/lessons.md #10);
 *  - else (paper on a SQLite file): the bot's lock, beside its order intent log
 *    (`<DB_PATH>-intents-<BOT_ID>.lock`): the log and its refusals are exact only with one writer
 *    per bot (docs/core.md, "The write-ahead"), while other BOT_IDs share the file;
 *  - else (an in-memory database): none.
 */
export function instanceLockFromSettings(settings: Settings, deps: InstanceLockDeps): InstanceLock | null {
  const live = settings.mode === 'live';
  const apiKey = settings.exchangeApi.key?.reveal() ?? '';
  if (settings.db.url !== null) {
    return new PostgresInstanceLock({
      url: settings.db.url.reveal(),
      botId: settings.botId,
      account: live ? { exchange: settings.exchange, apiKey } : null,
      logger: deps.logger,
      onLost: deps.onLost,
    });
  }
  if (!live && settings.db.path === ':memory:') return null;
  return new FileInstanceLock({
    // Live: the DB file and the account. Paper: the bot alone, beside its intent log (no account to guard).
    ...(live ? { dbPath: settings.db.path } : { dbPath: intentLogPath(settings.db.path, settings.botId), accountLock: false }),
    exchange: settings.exchange,
    apiKey,
    lockDir: deps.lockDir ?? settings.lockDir ?? join(tmpdir(), 'crypto-ai-bot-locks'),
    clock: deps.clock,
    logger: deps.logger,
    onLost: deps.onLost,
  });
}
