import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The correlation id of the work in progress (one evaluation, one HTTP request), carried across
 * awaits by AsyncLocalStorage so every log line of that work can be found together.
 */
const storage = new AsyncLocalStorage<{ correlationId: string }>();

export function withCorrelationId<T>(correlationId: string, fn: () => T): T {
  return storage.run({ correlationId }, fn);
}

export function currentCorrelationId(): string | undefined {
  return storage.getStore()?.correlationId;
}
