import type { Migration } from '../migrate';

/**
 * The exam config's SPKI pin of its server, kept with the session's sync target: rows still queued when the app
 * closes go at the next start, when the config that named the pin is no longer open, and must go to the same key.
 */
const migration: Migration = {
  version: 90,
  name: 'sync-target-pins',
  up(db) {
    db.exec('ALTER TABLE sync_targets ADD COLUMN spki_pin TEXT');
  },
};
export default migration;
