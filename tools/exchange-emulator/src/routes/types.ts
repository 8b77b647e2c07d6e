import type { Exchange, ExecutionFault } from '../engine/exchange';

export interface RouteRequest {
  method: string;
  /** Path after /api/v4, without the query. */
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
}

export interface RouteContext {
  exchange: Exchange;
  now: () => number;
  execution: ExecutionFault;
}

export interface Route {
  method: 'GET' | 'POST' | 'DELETE';
  /** Path pattern with :params, after /api/v4. */
  path: string;
  private: boolean;
  /** HTTP status on success (Gate answers 201 to a created order). */
  status?: number;
  handle(req: RouteRequest, ctx: RouteContext): unknown;
}

/** A required query parameter, or Gate's INVALID_PARAM_VALUE / MISSING_REQUIRED_PARAM. */
export function need(q: URLSearchParams, name: string): string {
  const v = q.get(name);
  if (v === null || v === '') throw missing(name);
  return v;
}

import { GateError } from '../gate-error';
export const missing = (name: string): GateError => new GateError(400, 'MISSING_REQUIRED_PARAM', `Missing required parameter: ${name}`);

export function intParam(q: URLSearchParams, name: string, dflt: number, max?: number): number {
  const raw = q.get(name);
  if (raw === null || raw === '') return dflt;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new GateError(400, 'INVALID_PARAM_VALUE', `invalid argument: ${name}`);
  return max !== undefined ? Math.min(n, max) : n;
}
