/**
 * The candidate's whole exam in the shell this run drives (fixtures.ts), camera and microphone fed from real
 * recordings through Chromium's fake capture devices, against the real engine process. Each screen is saved as
 * test-output/e2e/flow-<nn>-<screen>.png.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { shellKind, snap, test } from './fixtures';
import { attentiveFaceVideo, faceLeavesVideo, speechThenSilenceWav, speechWav } from './media';
import { FLOW_TIMEOUT, NO_LIVENESS, killEngineForGood, loadPolicy, shortExamPolicy, startExamSite, storedReport, throughSystemCheck, throughVoice, writeStoredSegment } from './steps';

let examSite: Awaited<ReturnType<typeof startExamSite>>;
beforeAll(async () => (examSite = await startExamSite()));
afterAll(() => examSite.close());
const examPolicy = () => shortExamPolicy(examSite.origin);

describe('candidate exam flow', () => {
  test('an attentive candidate sits the whole exam and it finishes with a clean report', async ({ launch }) => {
    // The candidate speaks for the microphone check, then sits the exam in silence.
    const app = await launch({ capture: { video: attentiveFaceVideo(), audio: speechThenSilenceWav() } });
    const { page } = app;
    const checks = await throughSystemCheck(page, 'flow', examPolicy());
    expect(checks.camera).toBe('ok');
    expect(checks.microphone).toBe('ok');
    expect(Object.keys(checks)).toEqual(expect.arrayContaining(['face_analysis', 'displays', 'prohibited_processes', 'vm', 'sqlite']));
    const visionReady = checks.face_analysis === 'ok';
    await page.getByRole('button', { name: 'Continue' }).click();

    // Identity: the photo is enrolled; a still photo cannot blink or turn its head, so the challenge is not passed.
    await page.getByRole('heading', { name: 'Identity', exact: true }).waitFor();
    await snap(page, 'flow-04-identity');
    await page.getByRole('button', { name: 'Take the photo' }).click();
    const identity = page.getByTestId('identity');
    await page.getByTestId('identity-steps').waitFor({ timeout: 30_000 });
    await snap(page, 'flow-05-identity-challenge');
    await page.locator('[data-testid="identity"][data-phase="not-passed"]').waitFor({ timeout: 60_000 });
    await snap(page, 'flow-06-identity-not-passed');
    const steps = await page.getByTestId('identity-steps').locator('li').evaluateAll((items) => items.map((li) => `${li.textContent} ${li.className}`));
    expect(steps[0]).toMatch(/^. Blink twice \(0 of 2\)/);
    expect(steps[1]).not.toMatch(/done$/);
    expect(steps[3]).toMatch(/Face matches the photo.*done$/);
    expect(await identity.textContent()).toMatch(/your identity is not confirmed/);
    await page.getByRole('button', { name: 'Continue' }).click();

    // Voice: the microphone is quiet by now, so too little speech is heard; the candidate goes on without it.
    expect(await throughVoice(page, { before: 'flow-07-voice', after: 'flow-08-voice-too-little' })).toBe('too-little');

    // Live guidance from the engine's answer to each frame: it sees one face.
    await page.getByTestId('calibration-guidance').getByText(visionReady ? /^Good\. Keep looking at the centre of the screen\./ : /^Sit as you will/).waitFor({ timeout: 30_000 });
    await snap(page, 'flow-09-calibration');
    const verdict = page.getByTestId('calibration-verdict');
    await verdict.waitFor({ timeout: 60_000 });
    await snap(page, 'flow-10-calibration-verdict');
    expect(await verdict.getAttribute('data-status')).toBe(visionReady ? 'SUCCESS' : 'SKIPPED');
    if (!visionReady) expect(await verdict.textContent()).toMatch(/camera frames reached Vigil but were not analysed/);
    await page.getByRole('button', { name: 'Start the exam' }).click();

    const frame = page.frameLocator('[data-testid="exam-frame"]');
    await frame.getByRole('heading', { name: 'Question 1' }).waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('status-light').getAttribute('data-tone')).toBe('ok');
    // Sit the exam long enough for several evidence segments to reach the engine.
    await page.waitForTimeout(9_000);
    await snap(page, 'flow-11-exam');
    expect(await page.getByTestId('warnings').count()).toBe(0);
    await page.getByRole('button', { name: 'Finish exam…' }).click();
    await page.getByRole('button', { name: 'Yes, finish' }).click();

    const summary = page.getByTestId('finish-summary');
    await summary.waitFor({ timeout: 60_000 });
    await snap(page, 'flow-12-finish');
    expect(await summary.getAttribute('data-risk')).toBe('CLEAN');
    expect(await page.getByTestId('finish-alerts').textContent()).toBe('none');
    expect(await page.getByTestId('finish-clips').textContent()).toMatch(/^none/);

    const report = storedReport(app, (await page.getByTestId('finish-session').textContent())!);
    expect(report.risk.level).toBe('CLEAN');
    expect(report.alerts).toEqual([]);
    expect(report.notes.filter((n) => n.startsWith('Voice '))).toEqual([expect.stringMatching(/^Voice not enrolled: not enough speech to enrol the candidate's voice: \d\.\d s heard, 3 s needed; the candidate went on without it\. /)]);
    if (visionReady) {
      expect(report.media.framesAnalysed).toBeGreaterThan(0);
      expect(report.calibration.status).toBe('SUCCESS');
      expect(report.notes).toContain('Identity not confirmed by the challenge: 0 of 2 blinks, no turn to the left, no turn to the right.');
      expect(report.media).toMatchObject({ video: true, audio: true });
      expect(report.notes.find((n) => n.startsWith('Microphone: '))).toMatch(/^Microphone: \d+ s of audio analysed/);
      // The rate achieved, at the camera's full size, as bytes.
      expect(report.notes.find((n) => n.startsWith('Live session: '))).toMatch(/^Live session: \d+ camera frames received at \d+\.\d fps \(policy 12 fps\)\. The candidate app sent \d+ of \d+ frames at 640x480 \(bytes, VideoFrame\.copyTo\); \d+ dropped/);
    } else {
      // Honest about what was not done: no frame counted as analysed, and the report says why.
      expect(report.media).toMatchObject({ video: false, framesAnalysed: 0 });
      expect(report.notes[0]).toMatch(/^Video was not analysed: /);
      expect(report.notes.find((n) => n.startsWith('Live session: '))).toMatch(/camera frames received at [\d.]+ fps \(policy 12 fps\)/);
    }
  }, FLOW_TIMEOUT);

  test('a face that leaves the picture is reported as no_face, and speech as speech', async ({ launch, skip }) => {
    // Present for the first 12 s of the session (the session opens the camera afresh, so the file starts over):
    // calibration sees the face, then it leaves for 20 s.
    const app = await launch({ capture: { video: faceLeavesVideo(12, 20), audio: speechWav() } });
    const { page } = app;
    // One no-face episode (9 points) flags its interval at this threshold, so its video must be kept.
    const checks = await throughSystemCheck(page, 'face-leaves', { ...examPolicy(), detectors: { ...NO_LIVENESS, identity: false }, intervals: { flagThreshold: 9 } });
    // Without the face pipeline there is nothing that could see the face leave; say so instead of faking it.
    skip(checks.face_analysis !== 'ok', 'the on-device face pipeline is not in this build, so no_face cannot be detected from video');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('button', { name: 'Continue' }).click();
    // The microphone speaks throughout, so the candidate's voice is enrolled from it.
    expect(await throughVoice(page, { before: 'face-leaves-04-voice', after: 'face-leaves-05-voice-enrolled' })).toBe('enrolled');
    await page.getByTestId('calibration-verdict').waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: 'Start the exam' }).click();
    await page.locator('[data-testid="warnings"] li[data-type="no_face"]').waitFor({ timeout: 90_000 });
    await snap(page, 'face-leaves-exam-warning');
    expect(await page.locator('[data-testid="warnings"] li[data-type="no_face"]').textContent()).toMatch(/^Your face is not visible to the camera/);
    await page.getByRole('button', { name: 'Finish exam…' }).click();
    await page.getByRole('button', { name: 'Yes, finish' }).click();
    await page.getByTestId('finish-summary').waitFor({ timeout: 60_000 });
    await snap(page, 'face-leaves-finish');
    expect(await page.getByTestId('finish-alerts').textContent()).toMatch(/no face/);
    expect(await page.getByTestId('finish-clips').textContent()).toMatch(/^\d+ clip\(s\)/);
    const report = storedReport(app, (await page.getByTestId('finish-session').textContent())!);
    expect(report.alerts.map((a) => a.type)).toContain('no_face');
    // The microphone hears espeak-ng speaking throughout (the file loops).
    expect(report.alerts.map((a) => a.type)).toContain('speech');
    expect(report.calibration.status).toBe('SUCCESS');
    expect(report.notes.filter((n) => n.startsWith('Voice '))).toEqual([expect.stringMatching(/^Voice enrolled: \d+\.\d s of the candidate's speech; /)]);
    expect(report.segments.length).toBeGreaterThan(0);
    // The kept clip, joined from the page's MediaRecorder segments, plays through without a decoding error.
    const clipFile = join(app.home, 'kept.webm');
    writeStoredSegment(app, report.segments[0]!.id, clipFile);
    expect(execFileSync('ffmpeg', ['-v', 'error', '-i', clipFile, '-f', 'null', '-'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })).toBe('');
    // Encoded at the evidence size, not the 640x480 camera's (Chromium's MediaRecorder encoded a crop-and-scale
    // clone at full size, 0.17 of a core; renderer/features/capture/scaled-track.ts).
    expect(execFileSync('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height', '-of', 'csv=p=0', clipFile], { encoding: 'utf8' }).trim()).toBe('320,240');
  }, FLOW_TIMEOUT);

  test('a refused camera permission stops at a screen that says what happened and what to do', async ({ launch }) => {
    const { page } = await launch({ capture: 'synthetic', mediaAllowed: false });
    await loadPolicy(page, examPolicy());
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByLabel(/I have read this and agree/).check();
    await page.getByRole('button', { name: 'Continue' }).click();
    const problem = page.getByTestId('problem');
    await problem.waitFor({ timeout: 30_000 });
    await snap(page, 'camera-denied');
    expect(await page.getByRole('heading', { name: 'Camera access was refused' }).isVisible()).toBe(true);
    expect(await problem.textContent()).toMatch(/What to do: Allow Vigil to use the camera/);
    expect(await page.getByRole('button', { name: 'Try again' }).isVisible()).toBe(true);
  }, FLOW_TIMEOUT);

  test('an invalid exam policy is refused, naming the field and the rule it breaks', async ({ launch }) => {
    const { page } = await launch({ mediaAllowed: false });
    await loadPolicy(page, { processingFps: 90 }, 'broken-exam.json');
    await page.getByTestId('policy-problem').waitFor();
    await snap(page, 'policy-invalid');
    expect(await page.getByTestId('policy-field').textContent()).toBe('processingFps');
    expect(await page.getByTestId('policy-rule').textContent()).toMatch(/30/);
    expect(await page.getByRole('button', { name: 'Continue' }).count()).toBe(0);
  }, FLOW_TIMEOUT);

  test('an engine that keeps dying mid-exam stops the exam on a screen that says so and keeps the recording in the window', async ({ launch, skip }) => {
    skip(shellKind !== 'browser', 'only the browser shell supervises a Node engine process the spec can SIGKILL');
    const { page } = await launch({ capture: { video: attentiveFaceVideo(), audio: speechWav() } });
    await throughSystemCheck(page, 'engine-dies', { ...examPolicy(), detectors: { ...NO_LIVENESS, identity: false } });
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('button', { name: 'Continue' }).click();
    await throughVoice(page);
    await page.getByTestId('calibration-verdict').waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: 'Start the exam' }).click();
    await page.getByTestId('exam-frame').waitFor();
    // One kill is survived (record.e2e.test.ts); a crash loop makes the shell give up.
    await killEngineForGood(page);
    const problem = page.getByTestId('problem');
    await problem.waitFor({ timeout: 60_000 });
    expect(await page.getByRole('heading', { name: 'Vigil stopped working' }).isVisible()).toBe(true);
    // The segment being recorded when the engine died cannot be handed over; it stays here to be saved.
    await page.getByTestId('unsent-evidence').waitFor({ timeout: 30_000 });
    await snap(page, 'engine-dies-problem');
    const link = page.getByRole('link', { name: /^Recording \d+–\d+ s$/ }).first();
    expect(await link.getAttribute('download')).toMatch(/^vigil-recording-\d+s\.webm$/);
  }, FLOW_TIMEOUT);
});
