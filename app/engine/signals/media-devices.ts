/**
 * Are a camera and a microphone present? Asked of the OS, before any window exists (the doctor, the
 * system check); the candidate app later confirms with the devices it actually opens. On Linux from V4L2
 * and ALSA in /sys and /dev; elsewhere from systeminformation (audio inputs, USB cameras).
 */
import { readFileSync, readdirSync } from 'node:fs';
import si from 'systeminformation';

export interface MediaDevice {
  readonly id: string;
  readonly name: string;
}

export interface MediaPresence {
  readonly kind: 'camera' | 'microphone';
  /** null when this OS cannot tell without opening the device (the app checks then). */
  readonly present: boolean | null;
  readonly devices: readonly MediaDevice[];
  readonly source: string;
  readonly error?: string;
}

function list(path: string): string[] {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}

function read(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return '';
  }
}

export async function detectCamera(): Promise<MediaPresence> {
  if (process.platform === 'linux') {
    // V4L2 also lists metadata nodes; index 0 of each device is its capture node.
    const devices = list('/sys/class/video4linux')
      .filter((d) => read(`/sys/class/video4linux/${d}/index`) === '0')
      .map((d) => ({ id: `/dev/${d}`, name: read(`/sys/class/video4linux/${d}/name`) || d }));
    return { kind: 'camera', present: devices.length > 0, devices, source: '/sys/class/video4linux' };
  }
  try {
    const usb = await si.usb();
    const devices = usb.filter((d) => /camera|webcam|facetime/i.test(`${d.type} ${d.name}`)).map((d) => ({ id: String(d.id ?? d.name), name: d.name ?? 'camera' }));
    // Built-in cameras are often not USB devices: absence here proves nothing.
    return { kind: 'camera', present: devices.length > 0 ? true : null, devices, source: 'systeminformation.usb' };
  } catch (error) {
    return { kind: 'camera', present: null, devices: [], source: 'systeminformation.usb', error: (error as Error).message };
  }
}

export async function detectMicrophone(): Promise<MediaPresence> {
  if (process.platform === 'linux') {
    const devices = list('/dev/snd')
      .filter((d) => /^pcmC\d+D\d+c$/.test(d))
      .map((d) => {
        const card = /^pcmC(\d+)/.exec(d)?.[1] ?? '';
        return { id: `/dev/snd/${d}`, name: read(`/proc/asound/card${card}/id`) || d };
      });
    return { kind: 'microphone', present: devices.length > 0, devices, source: '/dev/snd (ALSA capture devices)' };
  }
  try {
    const audio = await si.audio();
    const devices = audio.filter((d) => d.in).map((d) => ({ id: String(d.id), name: d.name ?? 'microphone' }));
    return { kind: 'microphone', present: devices.length > 0, devices, source: 'systeminformation.audio' };
  } catch (error) {
    return { kind: 'microphone', present: null, devices: [], source: 'systeminformation.audio', error: (error as Error).message };
  }
}
