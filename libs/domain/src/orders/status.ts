/**
 * Order lifecycle states. `in_flight` = sent, outcome unknown (timeout, 5xx, crash): never
 * re-sent, settled by reconciliation (docs/lessons.md #2). The transition table lives in ./transitions.
 */
export const ORDER_STATUSES = ['new', 'submitted', 'in_flight', 'partial', 'filled', 'canceled', 'rejected'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** Statuses after which nothing but a late fill can happen. */
export const TERMINAL_STATUSES: readonly OrderStatus[] = ['filled', 'canceled', 'rejected'];
