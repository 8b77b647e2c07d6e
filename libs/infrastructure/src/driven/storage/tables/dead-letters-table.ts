import type { DeadLetter, DeadLetterQueue, DeadLetterRecord } from '@cab/application';
import { clampLimit, DEFAULT_BOT_ID, type Db } from './support';

export class SqlDeadLetterQueue implements DeadLetterQueue {
  constructor(
    private readonly db: Db,
    private readonly botId: string = DEFAULT_BOT_ID,
  ) {}

  async push(letter: DeadLetter): Promise<number> {
    const row = await this.db
      .insertInto('dlq')
      .values({ ...letter, bot_id: this.botId })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  async list(options: { topic?: string; limit?: number } = {}): Promise<DeadLetterRecord[]> {
    let q = this.db.selectFrom('dlq').selectAll().where('bot_id', '=', this.botId);
    if (options.topic !== undefined) q = q.where('topic', '=', options.topic);
    const rows = await q.orderBy('id', 'asc').limit(clampLimit(options.limit)).execute();
    return rows.map(({ bot_id: _bot, ...letter }) => letter);
  }

  async remove(id: number): Promise<boolean> {
    const res = await this.db.deleteFrom('dlq').where('bot_id', '=', this.botId).where('id', '=', id).executeTakeFirst();
    return res.numDeletedRows > 0n;
  }

  async count(): Promise<number> {
    const row = await this.db
      .selectFrom('dlq')
      .where('bot_id', '=', this.botId)
      .select((eb) => eb.fn.countAll<number | string | bigint>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
}
