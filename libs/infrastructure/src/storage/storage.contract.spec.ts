import { InMemoryStorage } from '@cab/application/testing';
import { openTempStorage } from '@cab/infrastructure/testing';
import { storageContract } from './storage.contract';

storageContract('SQLite (real file DB)', (clock) => {
  const storage = openTempStorage(clock);
  return { storage, dispose: () => storage.dispose() };
});

storageContract('in-memory (@cab/application/testing)', (clock) => ({ storage: new InMemoryStorage(clock), dispose: async () => undefined }));
