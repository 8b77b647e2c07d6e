import type { Clock } from '@cab/domain';

interface Pending {
  symbol: string;
  expiresAt: number;
}

/**
 * A force exit sells a whole position at market: one mistyped command must not do it. The first
 * `/forceexit SYMBOL` only asks; the sale happens when the same chat confirms the same symbol (the
 * button, or `/forceexit SYMBOL confirm`) within the window. One pending request per chat: a new
 * one replaces it; a confirmation is used once.
 */
export class ForceExitConfirmations {
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly clock: Clock,
    readonly windowMs: number,
  ) {}

  ask(chatId: string, symbol: string): void {
    this.pending.set(chatId, { symbol, expiresAt: this.clock.now() + this.windowMs });
  }

  /** Consumes the chat's pending request when it names `symbol` and is still in its window. */
  confirm(chatId: string, symbol: string): 'confirmed' | 'nothing_pending' | 'expired' | 'other_symbol' {
    const p = this.pending.get(chatId);
    if (!p) return 'nothing_pending';
    if (p.symbol !== symbol) return 'other_symbol';
    this.pending.delete(chatId);
    return this.clock.now() <= p.expiresAt ? 'confirmed' : 'expired';
  }

  cancel(chatId: string): boolean {
    return this.pending.delete(chatId);
  }
}
