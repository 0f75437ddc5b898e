/**
 * A candidate feeding the exam something other than a live camera, in the shell this run drives, through the
 * real engine: a short clip played again and again (Chromium loops a 4 s file), and the camera lost mid-exam
 * (the fake device's track stopped from the page, as an unplugged camera ends it). Each raises camera_integrity
 * with its evidence; the clean flow (flow.e2e.test.ts) shows that a live-looking recording raises nothing.
 */
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { snap, test } from './fixtures';
import { sitExam, storedLiveReport } from './exam-driver';
import { attentiveFaceVideo, speechThenSilenceWav } from './media';
import { FLOW_TIMEOUT, NO_LIVENESS, startExamSite } from './steps';

let examSite: Awaited<ReturnType<typeof startExamSite>>;
beforeAll(async () => (examSite = await startExamSite()));
afterAll(() => examSite.close());
const policy = () => ({ calibration: { seconds: 6 }, detectors: { ...NO_LIVENESS, identity: false, audio: false }, allowedOrigins: [examSite.origin] });

describe('camera integrity', () => {
  test('a 4 s clip looped as the camera is reported as a looping feed, with its period', async ({ launch, skip }) => {
    const app = await launch({ capture: { video: attentiveFaceVideo(4), audio: speechThenSilenceWav() } });
    const sat = await sitExam(app, policy(), 16);
    await snap(app.page, 'integrity-looped-finish');
    const report = storedLiveReport(app, sat.sessionId);
    skip(report.media.framesAnalysed === 0, 'the on-device face pipeline is not in this build');
    const loops = report.alerts.filter((a) => a.type === 'camera_integrity' && a.evidence?.kind === 'looped_feed');
    expect(loops).toHaveLength(1);
    expect(loops[0]!.severity).toBe('critical');
    expect(Number(loops[0]!.evidence!.periodSec)).toBeCloseTo(4, 0);
  }, FLOW_TIMEOUT);

  test('a camera lost mid-exam is reported, and the session still finishes', async ({ launch }) => {
    const app = await launch({ capture: { video: attentiveFaceVideo(), audio: speechThenSilenceWav() } });
    // Test instrumentation of the browser, not of the app: keep the tracks getUserMedia hands out, to stop them.
    await app.page.addInitScript(() => {
      const open = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
      navigator.mediaDevices.getUserMedia = async (constraints) => {
        const stream = await open(constraints);
        (window as unknown as { cameraTracks: MediaStreamTrack[] }).cameraTracks = stream.getVideoTracks();
        return stream;
      };
    });
    await app.open('');
    const sat = await sitExam(app, policy(), 14, {
      onExamRunning: async () => {
        await app.page.waitForTimeout(2000);
        await app.page.evaluate(() => (window as unknown as { cameraTracks: MediaStreamTrack[] }).cameraTracks.forEach((t) => t.stop()));
        await app.page.locator('[data-testid="warnings"] li[data-type="camera_integrity"]').waitFor({ timeout: 30_000 });
        await snap(app.page, 'integrity-camera-lost');
      },
    });
    const report = storedLiveReport(app, sat.sessionId);
    const lost = report.alerts.filter((a) => a.type === 'camera_integrity' && a.evidence?.kind === 'device_lost');
    expect(lost).toHaveLength(1);
    expect(lost[0]!.evidence!.camera).toMatch(/attentive-face-45\.y4m$/);
    // Lost after calibration (6 s) and the exam's first 2 s.
    expect(lost[0]!.start).toBeGreaterThan(8);
  }, FLOW_TIMEOUT);
});
