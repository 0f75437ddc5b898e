/**
 * The invigilator's password for this computer (salted scrypt hash in VIGIL_HOME/invigilator.json). It is set
 * only from the command line (`vigil invigilator password`), by whoever administers the computer: the candidate
 * app can check it but never set it, so a first visit to the settings (or a local program posing as the app)
 * cannot claim it.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { hashPassword, verifyPassword } from './password';

export const INVIGILATOR_PASSWORD_MIN = 8;

const fileOf = (home: string) => join(home, 'invigilator.json');

export function invigilatorPasswordIsSet(home: string): boolean {
  return existsSync(fileOf(home));
}

/** yes, no, or 'not_set' when this computer has no invigilator password yet. */
export async function checkInvigilatorPassword(home: string, password: string): Promise<boolean | 'not_set'> {
  const file = fileOf(home);
  if (!existsSync(file)) return 'not_set';
  const { passwordHash } = z.object({ passwordHash: z.string() }).parse(JSON.parse(readFileSync(file, 'utf8')));
  return verifyPassword(password, passwordHash);
}

export async function setInvigilatorPassword(home: string, password: string): Promise<string> {
  if (password.length < INVIGILATOR_PASSWORD_MIN) throw new Error(`the password must be at least ${INVIGILATOR_PASSWORD_MIN} characters`);
  mkdirSync(home, { recursive: true });
  const file = fileOf(home);
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify({ passwordHash: await hashPassword(password) }), { mode: 0o600 });
  renameSync(temp, file);
  return file;
}
