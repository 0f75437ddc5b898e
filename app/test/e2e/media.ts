/**
 * Camera and microphone input for Chromium's fake capture devices, made in the test setup from real recordings:
 * a face photo shipped by @vladmandic/human (its FaceID demo screenshot) made into 640x480 Y4M video with a
 * camera's sensor noise, and espeak-ng speech as WAV. Chromium loops both files for as long as the page captures,
 * and starts the video over whenever the camera is opened; the exam session opens it afresh, so the file's time is
 * the session's. (Measured here with a file whose frames carry their number: a reopened camera's first frame read
 * by the page is the file's second, 1/15 s in, whatever was running before; so the session's t = 0 is the file's
 * 0.067 s and live times are that much earlier than `vigil analyze`'s, well inside the comparison's 0.5 s.) Without the noise every frame of a still photo is the same picture, and Vigil rightly
 * reports a frozen feed; a file shorter than the session is a looping feed.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { sourcePackageDir } from '../../../models/convert/build-models';
import { CAMERA_FPS, CAMERA_OUT as CAMERA_FILE_OUT, SENSOR_NOISE } from './camera-file';
import { outputDir } from './fixtures';

const mediaDir = join(outputDir, 'media');

/** The FaceID demo screenshot (a real, frontal face photo in its left panel), or another of the package's images. */
function facePhoto(name = 'screenshot-faceid.jpg'): string {
  const photo = join(sourcePackageDir(), 'assets', name);
  if (!existsSync(photo)) throw new Error(`${photo} is missing: run \`npm ci\` (it ships with @vladmandic/human)`);
  return photo;
}

/** The face panel of the screenshot, 4:3, scaled to the camera size. */
const FACE = 'crop=170:128:15:140,scale=640:480,setsar=1';
const CAMERA_OUT = [...CAMERA_FILE_OUT];

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
 * The live-vs-file comparison's recording, 30 s: the FaceID portrait looking at the camera 0-10 s (the 6 s
 * calibration window and a margin), a face with its eyes turned well to one side and the head still 10-13 s (the
 * screenshot-facematch.jpg grid, row 3 column 6, as app/engine/vision/pipeline.test.ts checks it: gaze_h 0.39, the
 * zone left; the demo's figures above and below the face covered), the portrait again 13-19 s, nobody 19-25 s (a
 * candidate who stands up), the portrait 25-30 s. Faces are scaled to the frame's height, not stretched. The
 * look-away is 3 s, under the 5 s at which an episode counts in full (scoring/risk.ts): at 5 s the risk came out at
 * 0.400 live and 0.399 from the file, on the BORDERLINE/SUSPICIOUS line, so the level compared a rounding, not the
 * detectors; at 3 s it is about 0.36, well inside BORDERLINE.
 */
export const LOOK_AWAY_AND_LEAVE = { seconds: 30, lookAway: [10, 13], away: [19, 25] } as const;

export function looksAwayAndLeavesVideo(): string {
  mkdirSync(mediaDir, { recursive: true });
  const out = join(mediaDir, 'looks-away-3s-and-leaves.y4m');
  if (!existsSync(out)) {
    const background = '0x9aa0a6';
    const portrait = `crop=140:142:16:140,scale=474:480,setsar=1,pad=640:480:83:0:color=${background}`;
    const figure = (y: number) => `drawbox=x=0:y=${y}:w=iw:h=62:color=${background}:t=fill`;
    const eyesTurned = `crop=105:106:641:620,scale=476:480,setsar=1,${figure(0)},${figure(418)},pad=640:480:82:0:color=${background}`;
    const part = (input: string, seconds: number, filter: string, label: string) => `${input}trim=duration=${seconds},${filter}setpts=PTS-STARTPTS[${label}]`;
    ffmpeg([
      '-loop', '1', '-framerate', String(CAMERA_FPS), '-i', facePhoto(),
      '-loop', '1', '-framerate', String(CAMERA_FPS), '-i', facePhoto('screenshot-facematch.jpg'),
      '-f', 'lavfi', '-i', `color=c=${background}:s=640x480:r=${CAMERA_FPS}`,
      '-filter_complex',
      [
        '[0]split=3[p1][p2][p3]',
        part('[p1]', 10, `${portrait},`, 'a'),
        part('[1]', 3, `${eyesTurned},`, 'b'),
        part('[p2]', 6, `${portrait},`, 'c'),
        part('[2]', 6, '', 'd'),
        part('[p3]', 5, `${portrait},`, 'e'),
        `[a][b][c][d][e]concat=n=5:v=1,${SENSOR_NOISE}[v]`,
      ].join(';'),
      '-map', '[v]', ...CAMERA_OUT, out,
    ]);
  }
  return out;
}
