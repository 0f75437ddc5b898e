/**
 * Camera and microphone input for Chromium's fake capture devices, made in the test setup from real recordings:
 * a face photo shipped by @vladmandic/human (its FaceID demo screenshot) made into 640x480 Y4M video with a
 * camera's sensor noise, and espeak-ng speech as WAV. Chromium loops both files for as long as the page captures,
 * and starts the video over whenever the camera is opened (the exam session opens it afresh, so the file's time
 * is the session's). Without the noise every frame of a still photo is the same picture, and Vigil rightly
 * reports a frozen feed; a file shorter than the session is a looping feed.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { sourcePackageDir } from '../../../models/convert/build-models';
import { outputDir } from './fixtures';

const mediaDir = join(outputDir, 'media');

/** The FaceID demo screenshot: a real, frontal face photo in its left panel. */
function facePhoto(): string {
  const photo = join(sourcePackageDir(), 'assets', 'screenshot-faceid.jpg');
  if (!existsSync(photo)) throw new Error(`${photo} is missing: run \`npm ci\` (it ships with @vladmandic/human)`);
  return photo;
}

/** The face panel of the screenshot, 4:3, scaled to the camera size. */
const FACE = 'crop=170:128:15:140,scale=640:480,setsar=1';
/** A webcam's sensor noise, new in every frame. */
export const SENSOR_NOISE = 'noise=alls=5:allf=t+u';
/**
 * Y4M at 15 fps: Chromium plays it at its own rate with nothing to decode. (An .mjpeg file is played at 30 fps and
 * decoded frame by frame; on a busy machine the fake camera then falls behind the clock, by 0.4 s in 12 s as
 * measured here, and the file's time is no longer the session's.) 640x480 I420 is 0.46 MB a frame, 7 MB a second.
 */
export const CAMERA_FPS = 15;
const CAMERA_OUT = ['-r', String(CAMERA_FPS), '-pix_fmt', 'yuv420p', '-f', 'yuv4mpegpipe'];

function ffmpeg(args: string[]): void {
  execFileSync('ffmpeg', ['-v', 'error', '-y', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** One attentive face, still but for the camera's noise, for `seconds` (longer than the session, or it loops). */
export function attentiveFaceVideo(seconds = 45): string {
  mkdirSync(mediaDir, { recursive: true });
  const out = join(mediaDir, `attentive-face-${seconds}.y4m`);
  if (!existsSync(out)) ffmpeg(['-loop', '1', '-framerate', String(CAMERA_FPS), '-i', facePhoto(), '-t', String(seconds), '-vf', `${FACE},${SENSOR_NOISE}`, ...CAMERA_OUT, out]);
  return out;
}

/** The same face, which slides out of the picture after `presentSec` and stays away for `awaySec`. */
export function faceLeavesVideo(presentSec = 20, awaySec = 10): string {
  mkdirSync(mediaDir, { recursive: true });
  const out = join(mediaDir, `face-leaves-${presentSec}-${awaySec}.y4m`);
  const total = presentSec + awaySec;
  if (!existsSync(out)) {
    ffmpeg([
      '-f', 'lavfi', '-i', `color=c=0x9aa0a6:s=640x480:r=${CAMERA_FPS}:d=${total}`,
      '-loop', '1', '-framerate', String(CAMERA_FPS), '-i', facePhoto(),
      '-filter_complex', `[1:v]${FACE}[face];[0:v][face]overlay=x='if(lt(t,${presentSec}),0,min(W,(t-${presentSec})*W*2))':y=0:shortest=1,${SENSOR_NOISE}`,
      '-t', String(total), ...CAMERA_OUT, out,
    ]);
  }
  return out;
}

/** Spoken English from espeak-ng, as 16-bit mono WAV. */
export function speechWav(): string {
  mkdirSync(mediaDir, { recursive: true });
  const out = join(mediaDir, 'speech.wav');
  if (!existsSync(out)) {
    const raw = join(mediaDir, 'speech-raw.wav');
    execFileSync('espeak-ng', ['-w', raw, 'I am ready to start the exam. The microphone can hear me clearly.']);
    ffmpeg(['-i', raw, '-ar', '48000', '-ac', '1', '-c:a', 'pcm_s16le', out]);
  }
  return out;
}

/** The same speech once, then `silenceSec` of silence: the microphone check hears it, the exam is quiet. */
export function speechThenSilenceWav(silenceSec = 120): string {
  const out = join(mediaDir, `speech-then-silence-${silenceSec}.wav`);
  if (!existsSync(out)) ffmpeg(['-i', speechWav(), '-af', `apad=pad_dur=${silenceSec}`, '-ar', '48000', '-ac', '1', '-c:a', 'pcm_s16le', out]);
  return out;
}

/**
 * The face present for `presentSec`, out of the picture for `awaySec` (cut away, as a candidate who stands up),
 * then back for `backSec`: the live-vs-file comparison's recording.
 */
export function faceLeavesAndReturnsVideo(presentSec = 12, awaySec = 6, backSec = 6): string {
  mkdirSync(mediaDir, { recursive: true });
  const out = join(mediaDir, `face-leaves-returns-${presentSec}-${awaySec}-${backSec}.y4m`);
  const total = presentSec + awaySec + backSec;
  if (!existsSync(out)) {
    ffmpeg([
      '-f', 'lavfi', '-i', `color=c=0x9aa0a6:s=640x480:r=${CAMERA_FPS}:d=${total}`,
      '-loop', '1', '-framerate', String(CAMERA_FPS), '-i', facePhoto(),
      '-filter_complex', `[1:v]${FACE}[face];[0:v][face]overlay=x='if(between(t,${presentSec},${presentSec + awaySec}),W,0)':y=0:shortest=1,${SENSOR_NOISE}`,
      '-t', String(total), ...CAMERA_OUT, out,
    ]);
  }
  return out;
}
