import type { Clock } from '@cab/domain';

interface Pending {
  subject: string;
  expiresAt: number;
}

export type ConfirmOutcome = 'confirmed' | 'nothing_pending' | 'expired' | 'other_subject';

/**
 * Two commands act only after a confirmation: a force exit sells a whole position at market, and
 * /start is what Telegram sends by itself when someone first opens a chat with the bot (its START
 * button), which must not start a live bot. The first command only asks; the action happens when
 * the same chat confirms the same subject ("forceexit BTC/USDT", "start") within the window. One
 * pending request per chat: a new one replaces it; a confirmation is used once.
 */
export class Confirmations {
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly clock: Clock,
    readonly windowMs: number,
  ) {}

  ask(chatId: string, subject: string): void {
    this.pending.set(chatId, { subject, expiresAt: this.clock.now() + this.windowMs });
  }

  /** Consumes the chat's pending request when it is for `subject` and still in its window. */
  confirm(chatId: string, subject: string): ConfirmOutcome {
    const p = this.pending.get(chatId);
    if (!p) return 'nothing_pending';
    if (p.subject !== subject) return 'other_subject';
    this.pending.delete(chatId);
    return this.clock.now() <= p.expiresAt ? 'confirmed' : 'expired';
  }

  cancel(chatId: string): boolean {
    return this.pending.delete(chatId);
  }
}
