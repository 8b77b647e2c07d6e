import { InMemoryStorage } from '@cab/application/testing';
import { openTempStorage } from '@cab/infrastructure/testing';
import { storageContract } from './storage.contract';
import { openSqliteStorage } from './sqlite-storage';

storageContract('SQLite (real file DB)', (clock) => {
  const storage = openTempStorage(clock);
  return { storage, dispose: () => storage.dispose() };
});

storageContract('in-memory (@cab/application/testing)', (clock) => ({ storage: new InMemoryStorage(clock), dispose: async () => undefined }));

// A private in-memory database caches position reads (see PositionsCache): the same contract holds.
storageContract('SQLite in memory (positions read through the cache)', (clock) => {
  const storage = openSqliteStorage({ path: ':memory:', allowInMemory: true, clock });
  return { storage, dispose: () => storage.close() };
});
