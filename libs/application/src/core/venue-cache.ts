import type { Instrument, OrderBook } from '@cab/domain';
import type { BalanceDTO, Broker, BrokerResult } from '../ports/broker';
import type { VenueCapabilities } from '../ports/venue-capabilities';
import type { VenueView } from './venue-view';

/** How deep the book is read before an evaluation (the slippage rule reads a few levels). */
const BOOK_DEPTH = 20;

/**
 * The VenueView of a live or paper core (docs/core.md, "Drivers"): what the edge last read from
 * the broker, held in memory so the core reads it with no await. The adapters read first and then
 * enqueue: the instruments once at start, the balances with each reconcile report and before each
 * evaluation, the book before each evaluation. Nothing here decides; a read that fails keeps the
 * last value (a rule that needs a missing value refuses, as the core does when a view answers null).
 *
 * The timers read balances concurrently (the reconcile pass, the evaluation's read): an answer is
 * kept only if no read begun after it has answered already, so a slow read begun before a fill
 * never replaces one begun after it (a stale free base of 0 would read as dust to the exits).
 */
export class VenueCache implements VenueView {
  private readonly instruments = new Map<string, Instrument>();
  private readonly balances = new Map<string, BalanceDTO>();
  private readonly books = new Map<string, OrderBook>();
  /** Balance reads begun so far: each read's ticket is the order it began in. */
  private balanceReads = 0;
  /** The ticket of the read whose balance each symbol holds. */
  private readonly balanceTicket = new Map<string, number>();

  constructor(private readonly broker: Pick<Broker, 'name' | 'capabilities' | 'instrument' | 'fetchBalance' | 'fetchOrderBook'>) {}

  get name(): string {
    return this.broker.name;
  }

  get capabilities(): VenueCapabilities {
    return this.broker.capabilities;
  }

  instrument(symbol: string): Instrument | null {
    return this.instruments.get(symbol) ?? null;
  }

  balance(symbol: string): BalanceDTO | null {
    return this.balances.get(symbol) ?? null;
  }

  book(symbol: string, depth: number): OrderBook | null {
    const b = this.books.get(symbol);
    if (!b || b.bids.length <= depth) return b ?? null;
    return { ...b, bids: b.bids.slice(0, depth), asks: b.asks.slice(0, depth) };
  }

  /** Loads the pair's rules once (they change rarely); a failure is returned and retried on the next call. */
  async loadInstrument(symbol: string): Promise<string | null> {
    if (this.instruments.has(symbol)) return null;
    const r = await this.broker.instrument(symbol);
    if (!r.ok) return `${r.error.code}: ${r.error.message}`;
    this.instruments.set(symbol, r.value);
    return null;
  }

  /** Reads the balances now; a failure keeps the last ones and is returned. */
  async readBalance(symbol: string): Promise<string | null> {
    const r = await this.readBalanceResult(symbol);
    return r.ok ? null : `${r.error.code}: ${r.error.message}`;
  }

  /** The same read with the broker's answer (a signed read: the caller tells a refused key or clock from the rest). */
  async readBalanceResult(symbol: string): Promise<BrokerResult<BalanceDTO>> {
    const ticket = ++this.balanceReads;
    const r = await this.broker.fetchBalance(symbol);
    if (r.ok && (this.balanceTicket.get(symbol) ?? 0) < ticket) {
      this.balanceTicket.set(symbol, ticket);
      this.balances.set(symbol, r.value);
    }
    return r;
  }

  /** Reads the book now (before an evaluation); a failure keeps the last one and is returned. */
  async readBook(symbol: string): Promise<string | null> {
    const r = await this.broker.fetchOrderBook(symbol, BOOK_DEPTH);
    if (!r.ok) return `${r.error.code}: ${r.error.message}`;
    this.books.set(symbol, r.value);
    return null;
  }
}
