/**
 * Frames as bytes into a live session (`session.frameBytes`), the way both shells deliver them: a real face
 * photo (@vladmandic/human's FaceID screenshot) as 640x480 I420 from ffmpeg, the engine's real face pipeline
 * and store. Attacks tried, and what each got back: a frame cut short, a header that is not Vigil's, a size that
 * does not match the pixels, a frame naming another session, frames after the session finished, time running
 * backwards. Each is refused with its code and a message naming the problem, counted, and the session goes on.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sourcePackageDir } from '../../../models/convert/build-models';
import { openStore } from '../storage/store';
import { FRAME_HEADER_BYTES, allocateFrame, type FrameHeaderInput } from './frame-wire';
import { createLiveApi } from './live-api';

const dir = mkdtempSync(join(tmpdir(), 'vigil-frame-bytes-'));

/** The face panel of the screenshot as one 640x480 I420 picture, as a camera's VideoFrame.copyTo gives it. */
function faceI420(): Uint8Array {
  const photo = join(sourcePackageDir(), 'assets', 'screenshot-faceid.jpg');
  return new Uint8Array(execFileSync('ffmpeg', ['-v', 'error', '-i', photo, '-vf', 'crop=170:128:15:140,scale=640:480', '-f', 'rawvideo', '-pix_fmt', 'yuv420p', 'pipe:1']));
}

function frame(header: Omit<FrameHeaderInput, 'format' | 'width' | 'height'>, pixels: Uint8Array): Uint8Array {
  const bytes = allocateFrame({ ...header, format: 'i420', width: 640, height: 480 });
  bytes.set(pixels, FRAME_HEADER_BYTES);
  // A camera's noise: no two frames of a live camera are the same picture.
  bytes[FRAME_HEADER_BYTES + (header.seq % 1000)]! ^= 1;
  return bytes;
}

describe('camera frames as bytes', () => {
  it('analyses frames at their capture times and refuses bad ones, counting each, while the session goes on', async () => {
    // An unsigned policy with the developer flag: this is about frames, not configs (app/engine/config), nor the
    // machine's gates (a VM or a remote session here would be alerted: app/engine/live/exam-gates.test.ts).
    const api = createLiveApi({ store: openStore(join(dir, 'frames.db')), env: { ...process.env, VIGIL_ALLOW_UNSIGNED: '1', VIGIL_HOME: join(dir, 'home') } });
    await api['policy.parse']({ text: JSON.stringify({ detectors: { identity: false, audio: false }, os: { virtualMachine: 'allow', remoteSession: 'allow', multipleDisplays: 'allow' } }), source: 'exam.json' });
    const { sessionId } = await api['session.start']({});
    const pixels = faceI420();
    let seq = 0;
    const good = (t: number) => api['session.frameBytes']({ bytes: frame({ sessionId, seq: seq++, t }, pixels) });

    const first = await good(0);
    expect(first).toMatchObject({ seq: 0, ok: true, outcome: { analysed: true, faceCount: 1 } });

    const refusals = [
      await api['session.frameBytes']({ bytes: frame({ sessionId, seq: 90, t: 0.1 }, pixels).subarray(0, 30) }),
      await api['session.frameBytes']({ bytes: (() => { const b = frame({ sessionId, seq: 91, t: 0.1 }, pixels); b[0] = 0x47; return b; })() }),
      await api['session.frameBytes']({ bytes: frame({ sessionId, seq: 92, t: 0.1 }, pixels).subarray(0, FRAME_HEADER_BYTES + 1000) }),
      await api['session.frameBytes']({ bytes: frame({ sessionId: randomUUID(), seq: 93, t: 0.1 }, pixels) }),
      await api['session.frameBytes']({ bytes: 'not bytes' as unknown as Uint8Array }),
    ];
    expect(refusals).toEqual([
      { seq: 90, ok: false, error: { code: 'bad_frame', message: 'frame message is 30 bytes, shorter than its 40-byte header' }, refused: 1 },
      { seq: 91, ok: false, error: { code: 'bad_frame', message: 'frame message does not start with VGF1 (not a Vigil frame, or another version)' }, refused: 2 },
      { seq: 92, ok: false, error: { code: 'bad_frame', message: 'frame is 1000 bytes of pixels; 640x480 i420 needs 460800' }, refused: 3 },
      { seq: 93, ok: false, error: { code: 'no_session', message: expect.stringMatching(/^frame 93 is for session [0-9a-f-]{36}, which is not running here$/) }, refused: 4 },
      { seq: null, ok: false, error: { code: 'bad_frame', message: 'a frame must be bytes' }, refused: 5 },
    ]);

    // The session goes on: later frames are analysed at their own capture times (12 fps).
    // Sent no faster than real time, as a camera would: the engine places a frame no later than half a second past
    // its own session clock (live/session-time.ts), so frames sent ahead of time would be moved, not kept.
    const started = performance.now();
    for (let i = 1; i <= 24; i += 1) {
      const ahead = (i / 12) * 1000 - (performance.now() - started) - 250;
      if (ahead > 0) await new Promise((resolve) => setTimeout(resolve, ahead));
      expect(await good(i / 12)).toMatchObject({ ok: true, outcome: { analysed: true } });
    }
    // A frame captured before the last one taken would break the rules' count of consecutive frames.
    expect(await api['session.frameBytes']({ bytes: frame({ sessionId, seq: 94, t: 1 }, pixels) })).toMatchObject({ seq: 94, ok: false, error: { code: 'bad_frame', message: expect.stringMatching(/^frame captured at 1\.000 s arrived after one captured at 2\.000 s/) } });

    const finished = await api['session.finish']({ sessionId, capture: { transport: 'bytes, VideoFrame.copyTo', width: 640, height: 480, sent: 26, dropped: 1, latencyP50Ms: 40, latencyP95Ms: 80 } });
    expect(finished.framesAnalysed).toBe(25);
    expect(finished.alerts).toEqual([]);
    expect(finished.notes).toContain('Live session: 25 camera frames received at 12.0 fps (policy 12 fps). The candidate app sent 26 of 27 frames at 640x480 (bytes, VideoFrame.copyTo); 1 dropped while the engine was late (3.7 %); capture to result p50 40 ms, p95 80 ms.');
    expect(finished.notes).toContain('Frames refused by the engine: 4 bad_frame, 1 no_session; the session went on.');

    // After the session: refused as finished, not as unknown, and still counted.
    expect(await good(3)).toMatchObject({ ok: false, error: { code: 'session_finished', message: expect.stringMatching(/which has finished$/) }, refused: 7 });
  }, 60_000);

  it("takes the identity step's photo and challenge frames as bytes at the camera's size, for its current attempt only", async () => {
    // Attacks tried: a photo before the step began, a challenge frame before any photo, a frame from an earlier
    // attempt after the step began again, a session's id on an identity frame. Each is refused with its code.
    const api = createLiveApi({ store: openStore(join(dir, 'identity.db')), env: { ...process.env, VIGIL_ALLOW_UNSIGNED: '1', VIGIL_HOME: join(dir, 'identity-home') } });
    await api['policy.parse']({ text: JSON.stringify({ detectors: { audio: false }, os: { virtualMachine: 'allow', remoteSession: 'allow', multipleDisplays: 'allow' } }), source: 'exam.json' });
    const pixels = faceI420();
    const send = (header: Omit<FrameHeaderInput, 'format' | 'width' | 'height'>) => api['session.frameBytes']({ bytes: frame(header, pixels) });

    expect(await send({ sessionId: randomUUID(), seq: 0, t: 0, purpose: 'enrol' })).toMatchObject({ seq: 0, ok: false, error: { code: 'no_session', message: expect.stringMatching(/is for identity step .*, which is not the one running here$/) } });
    const { identityId: earlier } = await api['identity.begin']({});
    expect(await send({ sessionId: earlier, seq: 1, t: 0, purpose: 'identity' })).toMatchObject({ seq: 1, ok: false, error: { code: 'not_enrolled', message: 'take the identity photo first' } });

    const { identityId } = await api['identity.begin']({});
    expect(identityId).not.toBe(earlier);
    expect(await send({ sessionId: earlier, seq: 2, t: 0, purpose: 'enrol' })).toMatchObject({ seq: 2, ok: false, error: { code: 'no_session' } });
    expect(await send({ sessionId: identityId, seq: 3, t: 0, purpose: 'enrol' })).toEqual({ seq: 3, ok: true, enrolment: { enrolled: true, reason: null } });
    const challenge = await send({ sessionId: identityId, seq: 4, t: 0.25, purpose: 'identity' });
    expect(challenge).toMatchObject({ seq: 4, ok: true, identity: { faceCount: 1, blinks: 0, passed: false } });
    // An identity frame is not a session's, nor a session frame the identity step's.
    expect(await send({ sessionId: identityId, seq: 5, t: 0.5 })).toMatchObject({ seq: 5, ok: false, error: { code: 'no_session' } });
    // Two more challenge frames, 0.5 s apart: each of the three matches the photo and joins the enrolment
    // (app/engine/vision/enrolment.ts), which the session's start closes and its report names.
    for (const [seq, t] of [[6, 0.75], [7, 1.25]] as const) expect(await send({ sessionId: identityId, seq, t, purpose: 'identity' })).toMatchObject({ seq, ok: true });
    const { sessionId } = await api['session.start']({});
    const finished = await api['session.finish']({ sessionId });
    expect(finished.notes).toContain('Identity: the face is checked against the identity photo and 3 challenge frames that matched it, averaged.');
  }, 90_000);
});
