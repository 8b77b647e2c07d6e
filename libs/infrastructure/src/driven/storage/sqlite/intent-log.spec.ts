import { tempDir } from '@cab/infrastructure/testing';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { intentRow } from '../../../../test/storage/intent-fixtures';
import type { OrdersTable } from '../schema';
import { IntentLogCorrupt, IntentLogFile, intentText, ORDER_COLUMNS, type LoggedIntent } from './intent-log';

// The order intent log on a real file (docs/core.md, "The write-ahead"): what a reopen reads back.

const AT = 1_700_000_000_000;
const intent = (i: number, at = AT + i): LoggedIntent => ({ at, ttlMs: 60_000, row: intentRow(i, at) as unknown as OrdersTable });
const line = (i: number): string => `${JSON.stringify(intent(i))}\n`;

describe('IntentLogFile (a real file)', () => {
  let tmp: ReturnType<typeof tempDir>;
  let path: string;
  const opened: IntentLogFile[] = [];
  const open = (durable = false): IntentLogFile => {
    const log = new IntentLogFile(path, durable);
    opened.push(log);
    return log;
  };

  beforeEach(() => {
    tmp = tempDir('cab-intent-log-');
    path = join(tmp.dir, 'bot.db-intents-default');
  });
  afterEach(() => {
    for (const log of opened.splice(0)) log.close();
    tmp.cleanup();
  });

  it('creates the file at open, and a reopen returns every appended intent as it was written, oldest first', () => {
    for (const durable of [true, false]) {
      const log = open(durable);
      expect(log.open()).toEqual({ intents: [], torn: null });
      expect(existsSync(path)).toBe(true);
      log.append(intent(0));
      log.append(intent(1));
      log.close();
      const again = open(durable);
      expect(again.open()).toEqual({ intents: [intent(0), intent(1)], torn: null });
      // One JSON line each, newline-terminated: what a crash leaves and a replay reads.
      expect(readFileSync(path, 'utf8')).toBe(line(0) + line(1));
      again.clear();
      again.close();
    }
  });

  it("an intent's line is JSON.stringify's text, column by column: nulls, quotes, control and multi-byte characters, a clock that is not finite", () => {
    const odd: LoggedIntent = {
      at: Number.NaN,
      ttlMs: 60_000,
      row: {
        ...intent(1).row,
        exchange_order_id: null,
        reason: 'signal: "quoted" \\ back\nslash\u0000 ✓ 🚀 \ud800',
        fee_currency: 'USDT',
        average_price: '1e-7',
      },
    };
    for (const x of [intent(0), odd]) expect(intentText(x)).toBe(JSON.stringify(x));
    // Every column is written, in ORDER_COLUMNS' order (a column added to the table is a compile error there).
    expect(Object.keys(JSON.parse(intentText(odd)).row)).toEqual(Object.keys(ORDER_COLUMNS));
  });

  it('folded: a replay starts after the last folded mark', () => {
    const log = open();
    log.open();
    log.append(intent(0));
    log.folded();
    log.append(intent(1));
    log.append(intent(2));
    log.folded();
    log.append(intent(3));
    log.close();
    expect(readFileSync(path, 'utf8')).toBe(`${line(0)}{"folded":true}\n${line(1)}${line(2)}{"folded":true}\n${line(3)}`);
    expect(open().open()).toEqual({ intents: [intent(3)], torn: null });
  });

  it('a file that ends in its folded mark holds nothing to replay', () => {
    const log = open();
    log.open();
    log.append(intent(0));
    log.folded();
    log.close();
    expect(open().open().intents).toEqual([]);
  });

  it('a torn last line (no newline, not JSON) is dropped, returned as torn and cut: the next append starts a clean line', () => {
    const torn = line(1).slice(0, 40);
    writeFileSync(path, line(0) + torn);
    const log = open();
    expect(log.open()).toEqual({ intents: [intent(0)], torn });
    expect(readFileSync(path, 'utf8')).toBe(line(0));
    log.append(intent(2));
    log.close();
    expect(readFileSync(path, 'utf8')).toBe(line(0) + line(2));
    expect(open().open()).toEqual({ intents: [intent(0), intent(2)], torn: null });
  });

  it('a whole last line without its newline counts (its send may have gone out), and the next line is not glued to it', () => {
    writeFileSync(path, line(0) + line(1).trimEnd());
    const log = open();
    expect(log.open()).toEqual({ intents: [intent(0), intent(1)], torn: null });
    log.append(intent(2));
    log.close();
    expect(readFileSync(path, 'utf8')).toBe(line(0) + line(1) + line(2));
    expect(open().open()).toEqual({ intents: [intent(0), intent(1), intent(2)], torn: null });
  });

  it('a torn last line cut inside a multi-byte character is cut at the exact byte where the whole lines end', () => {
    const unicode = (i: number): LoggedIntent => ({ ...intent(i), row: { ...intent(i).row, reason: `signal: ünïcødé ✓ ${i}` } });
    const whole = Buffer.from(`${JSON.stringify(unicode(0))}\n`);
    const next = Buffer.from(JSON.stringify(unicode(1)));
    // Cut one byte into the three-byte check mark.
    const cut = next.subarray(0, next.indexOf(Buffer.from('✓')) + 1);
    writeFileSync(path, Buffer.concat([whole, cut]));
    const log = open();
    const opened = log.open();
    expect(opened.intents).toEqual([unicode(0)]);
    expect(opened.torn).not.toBeNull();
    expect(readFileSync(path)).toEqual(whole);
    log.append(unicode(2));
    log.close();
    expect(open().open()).toEqual({ intents: [unicode(0), unicode(2)], torn: null });
  });

  it('a folded mark without its newline at the end is the mark, not a torn line: nothing to replay', () => {
    writeFileSync(path, `${line(0)}{"folded":true}`);
    const log = open();
    expect(log.open()).toEqual({ intents: [], torn: null });
    log.append(intent(1));
    log.close();
    expect(readFileSync(path, 'utf8')).toBe(`${line(0)}{"folded":true}\n${line(1)}`);
    expect(open().open()).toEqual({ intents: [intent(1)], torn: null });
  });

  it('a last line that is JSON but not an intent, without newline, is torn too', () => {
    writeFileSync(path, `${line(0)}{"at":1}`);
    expect(open().open()).toEqual({ intents: [intent(0)], torn: '{"at":1}' });
    expect(readFileSync(path, 'utf8')).toBe(line(0));
  });

  it('a bad line in the middle is corruption: IntentLogCorrupt names the file and the line, and the file is left as it was', () => {
    const text = `${line(0)}{"folded":true}\n${line(1)}not an intent\n${line(2)}`;
    writeFileSync(path, text);
    const log = open();
    expect(() => log.open()).toThrow(IntentLogCorrupt);
    expect(() => log.open()).toThrow(`${path}: line 4 is not an order intent`);
    expect(readFileSync(path, 'utf8')).toBe(text);
    // Not opened: nothing may be appended after a line nobody can read.
    expect(() => log.append(intent(3))).toThrow(/is not open/);
  });

  it('an empty line in the middle, or a whole line that is JSON but no intent, is corruption as well', () => {
    writeFileSync(path, `${line(0)}\n${line(1)}`);
    expect(() => open().open()).toThrow(/line 2 is not an order intent/);
    writeFileSync(path, `${line(0)}{"at":1,"ttlMs":2,"row":{"client_order_id":"x"}}\n`);
    expect(() => open().open()).toThrow(/line 2 is not an order intent/);
  });

  it('clear empties the file; past 1 MB a fold empties it instead of marking it', () => {
    const log = open();
    log.open();
    log.append(intent(0));
    log.clear();
    expect(log.bytes()).toBe(0);

    // Under 1 MB: the mark is one more line.
    log.append(intent(0));
    log.folded();
    expect(readFileSync(path, 'utf8')).toBe(`${line(0)}{"folded":true}\n`);

    let i = 1;
    while (log.bytes() < 1 << 20) log.append(intent(i++));
    log.folded();
    expect(log.bytes()).toBe(0);
    // And the appends after it start the file afresh.
    log.append(intent(i));
    log.close();
    expect(readFileSync(path, 'utf8')).toBe(line(i));
    expect(open().open().intents).toEqual([intent(i)]);
  });

  it('appends after a reopen go to the end of what was there (append mode), never over it', () => {
    const log = open();
    log.open();
    log.append(intent(0));
    log.close();
    // Another writer's bytes (a crash's torn line is cut at open; whole ones stay).
    appendFileSync(path, line(1));
    const again = open();
    again.open();
    again.append(intent(2));
    again.close();
    expect(open().open().intents).toEqual([intent(0), intent(1), intent(2)]);
  });
});
