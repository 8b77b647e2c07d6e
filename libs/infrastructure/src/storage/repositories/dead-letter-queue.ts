import type { DeadLetter, DeadLetterQueue, DeadLetterRecord } from '@cab/application';
import { clampLimit, type Db } from './support';

export class SqlDeadLetterQueue implements DeadLetterQueue {
  constructor(private readonly db: Db) {}

  async push(letter: DeadLetter): Promise<number> {
    const row = await this.db.insertInto('dlq').values(letter).returning('id').executeTakeFirstOrThrow();
    return row.id;
  }

  async list(options: { topic?: string; limit?: number } = {}): Promise<DeadLetterRecord[]> {
    let q = this.db.selectFrom('dlq').selectAll();
    if (options.topic !== undefined) q = q.where('topic', '=', options.topic);
    return q.orderBy('id', 'asc').limit(clampLimit(options.limit)).execute();
  }

  async remove(id: number): Promise<boolean> {
    const res = await this.db.deleteFrom('dlq').where('id', '=', id).executeTakeFirst();
    return res.numDeletedRows > 0n;
  }

  async count(): Promise<number> {
    const row = await this.db
      .selectFrom('dlq')
      .select((eb) => eb.fn.countAll<number | string | bigint>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
}
