import { ZERO, divOnGrid, quantize, type BookLevel, type Decimal } from '@cab/domain';

/** One execution against one book level, before fees. */
export interface Execution {
  price: Decimal;
  amount: Decimal;
  cost: Decimal;
}

/** What an IOC market order took from the book. `exhausted`: the book ran out before the order did. */
export interface Walk {
  executions: Execution[];
  filledBase: Decimal;
  filledQuote: Decimal;
  exhausted: boolean;
}

/**
 * A market buy spending up to `quote` against asks (best first), in whole amount steps. It stops
 * when what is left cannot buy one more step at the next level (dust, as Gate leaves it).
 */
export function walkBuyByQuote(asks: Iterable<BookLevel>, quote: Decimal, amountStep: Decimal): Walk {
  const executions: Execution[] = [];
  let left = quote;
  let filledBase = ZERO;
  let filledQuote = ZERO;
  let last: BookLevel | undefined;
  for (const level of asks) {
    last = level;
    const affordable = divOnGrid(left, level.price, amountStep, 'down');
    if (affordable.lte(ZERO)) return { executions, filledBase, filledQuote, exhausted: false };
    // A level smaller than one step cannot be traded on the grid: skip it.
    const available = quantize(level.amount, amountStep, 'down');
    if (available.lte(ZERO)) continue;
    const amount = affordable.lt(available) ? affordable : available;
    const cost = amount.times(level.price);
    executions.push({ price: level.price, amount, cost });
    left = left.minus(cost);
    filledBase = filledBase.plus(amount);
    filledQuote = filledQuote.plus(cost);
    if (amount.lt(available)) return { executions, filledBase, filledQuote, exhausted: false };
  }
  const couldBuyMore = last !== undefined ? divOnGrid(left, last.price, amountStep, 'down').gt(ZERO) : left.gt(ZERO);
  return { executions, filledBase, filledQuote, exhausted: couldBuyMore };
}

/** A market sell of `base` against bids (best first). */
export function walkSellByBase(bids: Iterable<BookLevel>, base: Decimal, amountStep: Decimal): Walk {
  const executions: Execution[] = [];
  let left = base;
  let filledBase = ZERO;
  let filledQuote = ZERO;
  for (const level of bids) {
    if (left.lte(ZERO)) break;
    const amount = quantize(left.lt(level.amount) ? left : level.amount, amountStep, 'down');
    if (amount.lte(ZERO)) continue;
    const cost = amount.times(level.price);
    executions.push({ price: level.price, amount, cost });
    left = left.minus(amount);
    filledBase = filledBase.plus(amount);
    filledQuote = filledQuote.plus(cost);
  }
  return { executions, filledBase, filledQuote, exhausted: left.gt(ZERO) };
}
