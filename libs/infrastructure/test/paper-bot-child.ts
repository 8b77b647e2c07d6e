// A paper bot in a process of its own, for the paper instance lock spec: composes the bot on the
// SQLite file and BOT_ID it is given (not started: holding the lock is the point), prints one JSON
// line, and holds until SIGTERM (closed, the lock released) or SIGKILL (nothing released).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { noopLogger } from '@cab/application';
import { compose } from '../src/driving/compose/compose';
import { parseSettings } from '../src/settings';

const [dbPath, botId] = process.argv.slice(2);
if (!dbPath || !botId) {
  process.stderr.write('usage: paper-bot-child <dbPath> <botId>\n');
  process.exit(2);
}
const settings = parseSettings(
  { DB_PATH: dbPath, BOT_ID: botId, MARKET_DATA: 'replay' },
  { cwd: path.dirname(dbPath), readFile: (p) => fs.readFileSync(p, 'utf8') },
);

void compose(settings, { logger: noopLogger }).then(
  (app) => {
    const keepAlive = setInterval(() => undefined, 1_000);
    process.on('SIGTERM', () => {
      clearInterval(keepAlive);
      void app.close().then(() => process.exit(0));
    });
    process.stdout.write(`${JSON.stringify({ pid: process.pid, ok: true })}\n`);
  },
  (err: unknown) => {
    process.stdout.write(`${JSON.stringify({ pid: process.pid, ok: false, error: String(err) })}\n`);
    process.exit(3);
  },
);
