import type { Emulator } from './server';
import type { Fault } from './faults';

/**
 * The standalone server's control panel (no auth: it listens on loopback only).
 *   POST   /__admin/faults    {"match":"POST /spot/orders","fault":{"kind":"lost-response"},"times":1}
 *   DELETE /__admin/faults
 *   POST   /__admin/price     {"pair":"BTC_USDT","price":"17000"}   (price null → back to the candles)
 *   POST   /__admin/advance   {"pair":"BTC_USDT","candles":5}
 *   POST   /__admin/balance   {"currency":"USDT","available":"10000"}
 *   POST   /__admin/countdown/fire
 *   GET    /__admin/state
 */
export function handleAdmin(emu: Emulator, method: string, path: string, body: unknown): { status: number; body: unknown } {
  const b = (body ?? {}) as Record<string, unknown>;
  const key = `${method} ${path}`;
  switch (key) {
    case 'POST /__admin/faults':
      emu.faults.next(String(b['match'] ?? '*'), b['fault'] as Fault, Number(b['times'] ?? 1));
      return { status: 200, body: { armed: emu.faults.pending() } };
    case 'DELETE /__admin/faults':
      emu.faults.clear();
      return { status: 200, body: { armed: [] } };
    case 'POST /__admin/price':
      emu.setPrice(String(b['pair'] ?? 'BTC_USDT'), b['price'] === null ? null : String(b['price']));
      return { status: 200, body: emu.snapshot() };
    case 'POST /__admin/advance':
      emu.advance(String(b['pair'] ?? 'BTC_USDT'), Number(b['candles'] ?? 1));
      return { status: 200, body: emu.snapshot() };
    case 'POST /__admin/balance':
      emu.exchange.setBalance(String(b['currency']), String(b['available']));
      return { status: 200, body: emu.snapshot() };
    case 'POST /__admin/countdown/fire':
      return { status: 200, body: { cancelled: emu.exchange.fireCountdown().map((o) => o.id) } };
    case 'GET /__admin/state':
      return { status: 200, body: emu.snapshot() };
    default:
      return { status: 404, body: { label: 'NOT_FOUND', message: `no admin endpoint ${key}` } };
  }
}
