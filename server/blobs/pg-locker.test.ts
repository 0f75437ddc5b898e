import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../test/harness';
import { PostgresAdvisoryLocker } from './pg-locker';

/** Two lockers with their own connection pools stand for two server processes on one PostgreSQL. */
describe('PostgreSQL advisory-lock tus locker', () => {
  let database: TestDatabase;
  let a: PostgresAdvisoryLocker;
  let b: PostgresAdvisoryLocker;
  beforeAll(async () => {
    database = await openTestDatabase('postgres');
    a = new PostgresAdvisoryLocker(database.databaseUrl!, 2_000);
    b = new PostgresAdvisoryLocker(database.databaseUrl!, 300);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await database?.dispose();
  });

  it('keeps an upload locked against another process until its holder unlocks it', async () => {
    const held = a.newLock('0123456789abcdef0123456789abcdef');
    await held.lock(new AbortController().signal, () => undefined);
    await expect(b.newLock('0123456789abcdef0123456789abcdef').lock(new AbortController().signal, () => undefined)).rejects.toMatchObject({ status_code: 500 });
    // Another upload id is not blocked.
    const other = b.newLock('ffffffffffffffffffffffffffffffff');
    await other.lock(new AbortController().signal, () => undefined);
    await other.unlock();
    const next = a.newLock('0123456789abcdef0123456789abcdef');
    const waiting = next.lock(new AbortController().signal, () => undefined);
    setTimeout(() => void held.unlock(), 100);
    await expect(waiting).resolves.toBeUndefined();
    await next.unlock();
  });

  it("asks this process's holder to let go when another request wants the upload", async () => {
    const first = a.newLock('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa');
    let asked = 0;
    await first.lock(new AbortController().signal, () => {
      asked++;
      return first.unlock();
    });
    const second = a.newLock('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa');
    await second.lock(new AbortController().signal, () => undefined);
    expect(asked).toBe(1);
    await second.unlock();
  });
});
