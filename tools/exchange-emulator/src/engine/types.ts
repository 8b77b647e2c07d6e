import type { Decimal } from '@cab/domain';

export type OrderSide = 'buy' | 'sell';
export type TimeInForce = 'gtc' | 'ioc' | 'poc' | 'fok';

/** An order as the emulator keeps it; serialized to Gate's JSON by gate-json.ts. */
export interface EmuOrder {
  id: string;
  text: string;
  pair: string;
  type: 'market' | 'limit';
  side: OrderSide;
  /** Quote for a market buy, base otherwise (Gate's meaning of `amount`). */
  amount: Decimal;
  price: Decimal;
  timeInForce: TimeInForce;
  status: 'open' | 'closed' | 'cancelled';
  finishAs: 'open' | 'filled' | 'cancelled' | 'ioc' | 'stp' | 'poc' | 'fok';
  /** Base filled. */
  filledAmount: Decimal;
  /** Quote filled. */
  filledTotal: Decimal;
  fee: Decimal;
  feeCurrency: string;
  createdMs: number;
  updatedMs: number;
  /** What is locked for a resting order: quote for a buy, base for a sell. */
  locked: Decimal;
  /** A fault may make a filled IOC report finish_as "cancelled" as Gate sometimes does. */
  reportCancelled?: boolean;
}

export interface EmuTrade {
  id: string;
  orderId: string;
  pair: string;
  side: OrderSide;
  role: 'taker' | 'maker';
  amount: Decimal;
  price: Decimal;
  fee: Decimal;
  feeCurrency: string;
  ts: number;
  text: string;
  seq: number;
}

export interface Balance {
  available: Decimal;
  locked: Decimal;
}
