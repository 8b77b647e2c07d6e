import type { CandleRepository, CandleSeriesKey } from '@cab/application';
import type { Candle } from '@cab/domain';
import type { Selectable } from 'kysely';
import type { MarketDataTable } from '../schema';
import { clampLimit, inTransaction, type Db } from './support';

/*
 * Candles are float64 in the domain (they feed indicators). They are stored as decimal text like
 * every other number: String(x) is the shortest text that parses back to the same double, so the
 * round trip is exact and no REAL column exists in the schema.
 */
function num(x: number, field: string): string {
  if (!Number.isFinite(x)) throw new RangeError(`candle ${field} must be finite, got ${x}`);
  return String(x);
}

function rowToCandle(r: Selectable<MarketDataTable>): Candle {
  return { ts: r.ts, open: Number(r.open), high: Number(r.high), low: Number(r.low), close: Number(r.close), volume: Number(r.volume) };
}

export class SqlCandleRepository implements CandleRepository {
  constructor(private readonly db: Db) {}

  upsert(key: CandleSeriesKey, candles: readonly Candle[]): Promise<number> {
    if (candles.length === 0) return Promise.resolve(0);
    return inTransaction(this.db, async (trx) => {
      for (const c of candles) {
        await trx
          .insertInto('market_data')
          .values({
            exchange: key.exchange,
            symbol: key.symbol,
            timeframe: key.timeframe,
            ts: c.ts,
            open: num(c.open, 'open'),
            high: num(c.high, 'high'),
            low: num(c.low, 'low'),
            close: num(c.close, 'close'),
            volume: num(c.volume, 'volume'),
          })
          .onConflict((oc) =>
            oc.columns(['exchange', 'symbol', 'timeframe', 'ts']).doUpdateSet((eb) => ({
              open: eb.ref('excluded.open'),
              high: eb.ref('excluded.high'),
              low: eb.ref('excluded.low'),
              close: eb.ref('excluded.close'),
              volume: eb.ref('excluded.volume'),
            })),
          )
          .execute();
      }
      return candles.length;
    });
  }

  async range(key: CandleSeriesKey, from: number, to: number, limit?: number): Promise<Candle[]> {
    const rows = await this.series(key)
      .where('ts', '>=', from)
      .where('ts', '<', to)
      .orderBy('ts', 'asc')
      .limit(clampLimit(limit, 10_000, 1_000_000))
      .execute();
    return rows.map(rowToCandle);
  }

  async latest(key: CandleSeriesKey, count: number): Promise<Candle[]> {
    const rows = await this.series(key)
      .orderBy('ts', 'desc')
      .limit(clampLimit(count, 1, 1_000_000))
      .execute();
    return rows.map(rowToCandle).reverse();
  }

  private series(key: CandleSeriesKey) {
    return this.db
      .selectFrom('market_data')
      .selectAll()
      .where('exchange', '=', key.exchange)
      .where('symbol', '=', key.symbol)
      .where('timeframe', '=', key.timeframe);
  }
}
