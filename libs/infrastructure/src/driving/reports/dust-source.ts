import type { Broker } from '@cab/application';
import { Instrument, instrumentDust, type DustTest } from '@cab/domain';
import { GATE_LIKE_INSTRUMENTS } from '../../driven/venue/paper/gate-instruments';

/**
 * Where a report learns what is dust on a symbol (what the exchange would refuse to sell), for the
 * domain's round-trip rule; null when it cannot know (then only an exact zero closes a round trip).
 */
export type DustSource = (symbol: string) => Promise<DustTest | null>;

const KNOWN = new Map(GATE_LIKE_INSTRUMENTS.map((spec) => [spec.symbol, instrumentDust(new Instrument(spec))] as const));

/**
 * Gate's minimums for the pairs the bot ships with (what the paper broker trades on): what a
 * process without an exchange connection (`cab performance`) can know.
 */
export const knownDust: DustSource = async (symbol) => KNOWN.get(symbol) ?? null;

/** The broker's instrument (the live exchange's own minimums), else the shipped ones. */
export function brokerDust(broker: Pick<Broker, 'instrument'>): DustSource {
  return async (symbol) => {
    const inst = await broker.instrument(symbol).catch(() => null);
    return inst?.ok ? instrumentDust(inst.value) : knownDust(symbol);
  };
}
