/** Turns any error the flow meets into the words the candidate reads: what happened and what to do. */
import { CAPTURE_ADVICE, CaptureError } from '../capture/camera';
import type { Problem } from './store';

export const ENGINE_DOWN: Omit<Problem, 'what'> = {
  title: 'Vigil stopped working',
  todo: 'Do not close this window. Tell your invigilator; restarting Vigil resumes the checks. Anything recorded so far is kept.',
};

export function problemFrom(error: unknown, context: string): Problem {
  if (error instanceof CaptureError) {
    const advice = CAPTURE_ADVICE[error.kind];
    return { title: advice.title, what: `Vigil could not start the camera: ${error.message}.`, todo: advice.todo };
  }
  const message = (error as Error)?.message ?? String(error);
  const refused = /^start_refused:\s*(.*)$/s.exec(message);
  if (refused) return { title: 'This exam cannot start on this computer', what: refused[1] ?? message, todo: 'Do what is written above, then start again. If you cannot, tell your invigilator.' };
  if (/^engine_down/.test(message)) return { ...ENGINE_DOWN, what: `The Vigil engine is not running (${message.replace(/^engine_down:\s*/, '')}).` };
  return { title: `${context} could not finish`, what: message, todo: 'Try again. If it keeps failing, tell your invigilator.' };
}
