/**
 * The same answer live and from a file: the candidate app fed a recording as its camera (Chromium's fake device,
 * at the policy's default 12 fps, frames as bytes at 640x480) and `vigil analyze` on the same recording give the
 * same alerts (types, starts and ends within 0.5 s) and the same risk level. The recording (media.ts
 * looksAwayAndLeavesVideo): real faces with a camera's noise; the candidate looks at the screen, turns the eyes
 * away for 5 s, looks back, leaves the picture for 6 s and comes back.
 */
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { snap, test } from './fixtures';
import { analyzedFileReport, compareReports, sitExam, storedLiveReport, type LiveReport } from './exam-driver';
import { LOOK_AWAY_AND_LEAVE, looksAwayAndLeavesVideo, speechThenSilenceWav } from './media';
import { FLOW_TIMEOUT, startExamSite } from './steps';

let examSite: Awaited<ReturnType<typeof startExamSite>>;
beforeAll(async () => (examSite = await startExamSite()));
afterAll(() => examSite.close());

describe('live and file agree', () => {
  test('a look-away and a face leaving the picture give the same alerts and risk live as from the file', async ({ launch, skip }) => {
    const camera = looksAwayAndLeavesVideo();
    const app = await launch({ capture: { video: camera, audio: speechThenSilenceWav() } });
    // Liveness is off here, and the machine's gates allowed (CI runs in a VM): this spec compares the face path.
    // Open (issues #20/#21): on a still photo `vigil analyze` raises spoof_suspected and the live session does not;
    // the live liveness sampling must be made to agree with the file's, then turned on here. Visible text is off
    // too: the text detector finds text in the second face's hair (its own false positive, every 2 s).
    const policy = {
      calibration: { seconds: 6 },
      detectors: { identity: false, audio: false, liveness: false, text: false },
      allowedOrigins: [examSite.origin],
      os: { virtualMachine: 'allow', remoteSession: 'allow', allowedProcesses: ['anydesk', 'teamviewer', 'x11vnc'] },
    };
    const sat = await sitExam(app, policy, LOOK_AWAY_AND_LEAVE.seconds - 0.5);
    await snap(app.page, 'live-vs-file-finish');
    const live = storedLiveReport(app, sat.sessionId);
    skip(live.media.framesAnalysed === 0, 'the on-device face pipeline is not in this build');

    // `vigil analyze` on the very file Chromium played.
    const file = analyzedFileReport(app, camera, policy);

    // Both saw the look-away and the empty chair where the recording has them, not just the same nothing.
    const during = (report: LiveReport, type: string, [from, to]: readonly [number, number]) =>
      report.alerts.some((a) => a.type === type && Math.abs(a.start - from) < 1 && Math.abs(a.end - to) < 1);
    for (const report of [live, file]) {
      expect(during(report, 'gaze_away', LOOK_AWAY_AND_LEAVE.lookAway), JSON.stringify(report.alerts)).toBe(true);
      expect(during(report, 'no_face', LOOK_AWAY_AND_LEAVE.away), JSON.stringify(report.alerts)).toBe(true);
    }
    const agreement = compareReports(live, file, live.durationSec);
    expect(agreement, `risk live ${JSON.stringify(live.risk)}, file ${JSON.stringify(file.risk)}`).toMatchObject({ sameAlerts: true, sameRisk: true, liveOnly: [], fileOnly: [] });
  }, FLOW_TIMEOUT);
});
