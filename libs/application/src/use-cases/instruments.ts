import type { Instrument } from '@cab/domain';
import type { Broker, BrokerResult } from '../ports/broker';

/** Instruments per symbol, loaded once from the broker (precision and minimums change rarely). */
export class InstrumentCache {
  private readonly cache = new Map<string, Instrument>();
  constructor(private readonly broker: Broker) {}

  /** The cached instrument, without asking the broker (null before the first `get`). */
  peek(symbol: string): Instrument | null {
    return this.cache.get(symbol) ?? null;
  }

  async get(symbol: string): Promise<BrokerResult<Instrument>> {
    const hit = this.cache.get(symbol);
    if (hit) return { ok: true, value: hit };
    const r = await this.broker.instrument(symbol);
    if (r.ok) this.cache.set(symbol, r.value);
    return r;
  }
}
