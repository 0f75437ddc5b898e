/**
 * `read-segment.ts <db> <segment id> <out file>`: writes one stored evidence segment to a file. The specs run
 * it on the app's own runtime (RunningApp.node), so the database is opened by the better-sqlite3 build the
 * engine uses, whichever shell that is.
 */
import { writeFileSync } from 'node:fs';
import { openStore } from '../../engine/storage/store';

const [db, id, out] = process.argv.slice(2);
if (!db || !id || !out) throw new Error('usage: read-segment.ts <db> <segment id> <out file>');
const store = openStore(db);
try {
  writeFileSync(out, store.segments.read(Number(id)));
} finally {
  store.close();
}
