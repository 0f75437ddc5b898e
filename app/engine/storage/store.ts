/** The engine's one handle on storage: the database and its typed repositories, opened together. */
import { openDatabase, type Db } from './db';
import { EventsRepository } from './repositories/events';
import { FrameFeaturesRepository } from './repositories/frame-features';
import { OutboxRepository } from './repositories/outbox';
import { ReportsRepository } from './repositories/reports';
import { SegmentsRepository } from './repositories/segments';
import { SessionsRepository } from './repositories/sessions';
import { SyncTargetsRepository } from './repositories/sync-targets';

export interface Store {
  readonly db: Db;
  readonly path: string;
  readonly sessions: SessionsRepository;
  readonly events: EventsRepository;
  readonly frameFeatures: FrameFeaturesRepository;
  readonly segments: SegmentsRepository;
  readonly outbox: OutboxRepository;
  readonly reports: ReportsRepository;
  readonly syncTargets: SyncTargetsRepository;
  close(): void;
}

export function openStore(path: string): Store {
  const db = openDatabase(path);
  return {
    db,
    path,
    sessions: new SessionsRepository(db),
    events: new EventsRepository(db),
    frameFeatures: new FrameFeaturesRepository(db),
    segments: new SegmentsRepository(db),
    outbox: new OutboxRepository(db),
    reports: new ReportsRepository(db),
    syncTargets: new SyncTargetsRepository(db),
    close: () => db.close(),
  };
}
