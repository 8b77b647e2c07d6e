import type { Writable } from 'node:stream';
import winston from 'winston';
import { currentCorrelationId } from './correlation';
import { Redactor } from './redact';

export type Level = 'error' | 'warn' | 'info' | 'debug';
export type Fields = Record<string, unknown>;

/** The logger every part of the bot writes to: one JSON object a line. */
export interface AppLogger {
  error(msg: string, fields?: Fields): void;
  warn(msg: string, fields?: Fields): void;
  info(msg: string, fields?: Fields): void;
  debug(msg: string, fields?: Fields): void;
  /** A logger that adds `fields` to every line (e.g. { component: 'reconcile' }). */
  child(fields: Fields): AppLogger;
  /** Registers one more secret value to mask (e.g. a token learned after start). */
  addSecret(value: string): void;
}

export interface LoggerOptions {
  level: Level;
  /** Secret values masked wherever they appear. */
  secrets?: readonly string[];
  /** Where lines go; stdout by default. */
  stream?: Writable;
  /** Fields on every line, e.g. { app: 'server' }. */
  base?: Fields;
}

export function createLogger(opts: LoggerOptions): AppLogger {
  const redactor = new Redactor(opts.secrets);
  const redact = winston.format((info) => {
    const clean = redactor.value({ ...info }) as Record<string, unknown>;
    for (const k of Object.keys(info)) delete (info as Record<string, unknown>)[k];
    Object.assign(info, clean);
    const cid = currentCorrelationId();
    if (cid !== undefined && info['correlationId'] === undefined) info['correlationId'] = cid;
    return info;
  });
  const w = winston.createLogger({
    level: opts.level,
    defaultMeta: opts.base,
    format: winston.format.combine(winston.format.timestamp(), redact(), winston.format.json()),
    transports: [opts.stream ? new winston.transports.Stream({ stream: opts.stream }) : new winston.transports.Console()],
  });
  return wrap(w, redactor, {});
}

function wrap(w: winston.Logger, redactor: Redactor, bound: Fields): AppLogger {
  const log = (level: Level) => (msg: string, fields?: Fields) => w.log(level, msg, { ...bound, ...fields });
  return {
    error: log('error'),
    warn: log('warn'),
    info: log('info'),
    debug: log('debug'),
    child: (fields) => wrap(w, redactor, { ...bound, ...fields }),
    addSecret: (v) => redactor.addSecret(v),
  };
}
