/** What the candidate is told when an alert opens: plain words for why it appeared and what to do. */
import type { AlertType, ExamPolicy } from '../policy/policy';

const WHY: Record<AlertType, string> = {
  no_face: 'Your face is not visible to the camera. Sit in front of the screen so your face is in view.',
  multiple_faces: 'More than one face is visible. Only you should be in view of the camera.',
  head_turned: 'Your head has been turned away from the screen for a while. Face the screen.',
  gaze_away: 'Your eyes have been away from the screen for a while. Look at the screen.',
  low_engagement: 'You seem to be looking away from the exam often.',
  speech: 'Speech was heard. Exams are sat in silence.',
  multiple_voices: 'More than one voice was heard. No one else may speak to you during the exam.',
  prohibited_object: 'An object the exam does not allow (a phone, a book, another screen) is in view.',
  visible_text: 'Written text is visible to the camera.',
  spoof_suspected: 'The camera image does not look like a live person.',
  identity_mismatch: 'The face in view does not match the photo taken at the start.',
  focus_lost: 'The exam window lost focus.',
  clipboard: 'The clipboard was used.',
  key_combo: 'A blocked key combination was pressed.',
  prohibited_process: 'A program the exam does not allow is running.',
  display_change: 'A display was connected or disconnected.',
  vm_detected: 'This computer appears to be a virtual machine.',
  temporal_pattern: 'A repeated pattern of looking away was noticed.',
  camera_integrity: 'The camera picture may not be live (a virtual camera, a changed device, or a frozen or repeating picture). Use your real camera.',
  clock_changed: "The computer's clock was changed during the exam.",
  session_interrupted: 'Vigil stopped during the exam and has started again; the gap is recorded.',
  remote_session: 'This computer seems to be used or watched from elsewhere (SSH, remote desktop, screen sharing). Sit the exam at the computer itself.',
};

/** The message, naming the policy's weight so the candidate sees the warning is a rule, not a verdict. */
export function explainAlert(type: AlertType, policy: ExamPolicy): string {
  const points = (policy.intervals.weights as Record<string, number>)[type] ?? 0;
  return points > 0 ? `${WHY[type]} (This exam counts it: ${points} point${points === 1 ? '' : 's'} towards a review flag.)` : WHY[type];
}
