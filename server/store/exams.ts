/** Exams and staff accounts: the few writes that both the `vigil-server` command and the API make. */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { ExamPolicy } from '../../app/engine/policy/policy';
import { hashPassword, newSecret, secretHash } from '../auth/secrets';
import type { Database, Role } from './schema';

export interface NewExam {
  readonly name: string;
  readonly policy?: unknown;
  readonly retentionDays?: number | null;
}

/** Creates an exam and returns its enrolment token, which is shown once and stored only hashed. */
export async function createExam(db: Kysely<Database>, exam: NewExam): Promise<{ examId: string; enrolmentToken: string }> {
  const policy = ExamPolicy.parse(exam.policy ?? {});
  const examId = randomUUID();
  const enrolmentToken = newSecret();
  await db
    .insertInto('exams')
    .values({ id: examId, name: exam.name, policy: JSON.stringify(policy), enrolment_token_hash: secretHash(enrolmentToken), retention_days: exam.retentionDays ?? null })
    .execute();
  return { examId, enrolmentToken };
}

export async function createUser(db: Kysely<Database>, email: string, password: string, role: Role): Promise<string> {
  const id = randomUUID();
  await db.insertInto('users').values({ id, email: email.toLowerCase(), password_hash: await hashPassword(password), role }).execute();
  return id;
}

export async function audit(db: Kysely<Database>, actor: string, action: string, subject: string): Promise<void> {
  await db.insertInto('audit').values({ actor, action, subject }).execute();
}

/** A setting kept in the database so every server process on it shares it (cookie secret, institution). */
export async function setting(db: Kysely<Database>, key: string, create: () => string): Promise<string> {
  await db.insertInto('settings').values({ key, value: create() }).onConflict((oc) => oc.column('key').doNothing()).execute();
  return (await db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirstOrThrow()).value;
}
