/**
 * Safe Exam Browser recognition: while an exam imported from a .seb file runs, every request to one of the exam's
 * allowed origins carries `X-SafeExamBrowser-ConfigKeyHash` (SHA-256 of the URL without its fragment followed by
 * the Config Key), which Moodle's quizaccess_seb and other LMSs check. `sebHeaderFor` decides, purely; the
 * Electron part only installs it on the session and removes it when the exam ends.
 */
import type { Session } from 'electron';
import { CONFIG_KEY_HEADER, configKeyHash } from '../engine/config/seb/config-key';

export interface SebExam {
  readonly configKey: string;
  readonly allowedOrigins: readonly string[];
}

/** The header to add to a request for `url`, or undefined: only for http(s) requests to an allowed origin. */
export function sebHeaderFor(url: string, exam: SebExam | undefined): Record<string, string> | undefined {
  if (!exam) return undefined;
  let origin: string;
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return undefined;
    origin = parsed.origin;
  } catch {
    return undefined;
  }
  // Another site never learns the hash: it would let that site replay it against the LMS.
  if (!exam.allowedOrigins.some((o) => new URL(o).origin === origin)) return undefined;
  return { [CONFIG_KEY_HEADER]: configKeyHash(url, exam.configKey) };
}

/** Sends the header on `session` for as long as the exam runs; the returned function stops it. */
export function installSebHeader(session: Session, exam: SebExam): () => void {
  session.webRequest.onBeforeSendHeaders((details, callback) => {
    const header = sebHeaderFor(details.url, exam);
    callback({ requestHeaders: header ? { ...details.requestHeaders, ...header } : details.requestHeaders });
  });
  return () => session.webRequest.onBeforeSendHeaders(null);
}
