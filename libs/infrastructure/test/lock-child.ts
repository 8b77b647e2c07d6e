// A live instance in miniature, for the two-process InstanceLock spec: takes the lock, prints the
// result as one JSON line on stdout, and holds the lock until SIGTERM (released) or SIGKILL (not).
import { FileInstanceLock } from '../src/driven/instance-lock/file-instance-lock';
import { systemClock } from '../src/driven/time/system-time';

const [dbPath, lockDir, apiKey] = process.argv.slice(2);
if (!dbPath || !lockDir || !apiKey) {
  process.stderr.write('usage: lock-child <dbPath> <lockDir> <apiKey>\n');
  process.exit(2);
}

const lock = new FileInstanceLock({ dbPath, lockDir, exchange: 'gate', apiKey, clock: systemClock, staleAfterMs: 60_000 });

void lock.acquire().then((result) => {
  if (result.ok) {
    // Handler first, line second: the parent may send SIGTERM the moment it reads the line.
    const keepAlive = setInterval(() => undefined, 1_000);
    process.on('SIGTERM', () => {
      clearInterval(keepAlive);
      void lock.release().then(() => process.exit(0));
    });
  }
  process.stdout.write(`${JSON.stringify({ pid: process.pid, result })}\n`);
  if (!result.ok) process.exit(3);
});
