import { createHash } from 'node:crypto';
import type { LockScope } from '@cab/application';

/**
 * The advisory-lock keys of the Postgres instance lock (docs/postgres.md, "Instance lock").
 *
 * Postgres has one advisory-lock space per database with two key forms: one bigint (pg_locks
 * objsubid = 1) and two int4 (objsubid = 2); the forms never match each other. Kysely's migration
 * lock is the bigint form with a fixed key, so ours is the two-int form, with a class id of our
 * own as the first int: no migration run, and nobody using the bigint form, can collide with a bot.
 */
export const LOCK_CLASS: Readonly<Record<LockScope, number>> = {
  /** 'cab' 0x01: one bot (BOT_ID) in this database, whatever its mode. */
  db: 0x63616201,
  /** 'cab' 0x02: one exchange account (live mode). */
  account: 0x63616202,
};

export interface PostgresLockKey {
  readonly scope: LockScope;
  /** The class id (first int4). */
  readonly classId: number;
  /** sha256 of the scope's name, first 31 bits (second int4, kept non-negative so pg_locks.objid, an oid, reads the same). */
  readonly objId: number;
}

function hash31(text: string): number {
  return createHash('sha256').update(text).digest().readUInt32BE(0) & 0x7fffffff;
}

/** The bot's key: BOT_ID alone, so the same bot can never run twice on one database, paper or live. */
export function botLockKey(botId: string): PostgresLockKey {
  return { scope: 'db', classId: LOCK_CLASS.db, objId: hash31(`bot\0${botId}`) };
}

/** The account's key: a hash of exchange and API key, never the key itself (nothing of it reaches the server). */
export function accountPostgresLockKey(exchange: string, apiKey: string): PostgresLockKey {
  return { scope: 'account', classId: LOCK_CLASS.account, objId: hash31(`account\0${exchange}\0${apiKey}`) };
}
