/**
 * Is the camera a camera? A candidate who wants a recording watched instead of themselves installs a virtual
 * camera (v4l2loopback, OBS Virtual Camera, ManyCam, Snap Camera, XSplit...) or swaps the device mid-exam. Seen
 * from two sides: the names of the devices the candidate app opened (it reports them at the start and whenever a
 * track ends or changes), and what the OS tells (Linux: V4L2 device names in /sys/class/video4linux, loaded
 * kernel modules in /proc/modules). Each finding is a `camera_integrity` alert with its evidence, and the system
 * check warns before the exam starts.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import type { Alert } from '../rules/alert';
import { isVirtualDeviceName, type DeviceReport, type MediaDeviceInfo } from './frame-wire';

export { CaptureStats, DeviceReport, VIRTUAL_DEVICE_NAMES, isVirtualDeviceName } from './frame-wire';

/** Kernel modules that create virtual V4L2 cameras. */
export const VIRTUAL_CAMERA_MODULES = ['v4l2loopback', 'akvcam'] as const;

const alert = (t: number, evidence: Record<string, unknown>): Alert => ({ type: 'camera_integrity', severity: 'critical', start: t, end: t, confidence: 1, evidence });

/** The alert a device report raises, given the reports before it (the first is the session's start). */
export function deviceAlert(report: DeviceReport, before: readonly DeviceReport[]): Alert | undefined {
  if (report.kind === 'start') {
    const virtual = [report.camera, report.microphone].filter((d): d is NonNullable<typeof d> => d !== null && isVirtualDeviceName(d.label));
    return virtual.length > 0 ? alert(report.t, { kind: 'virtual_device', devices: virtual.map((d) => d.label), rule: 'device name of a known virtual camera or microphone' }) : undefined;
  }
  const start = before.find((r) => r.kind === 'start');
  if (report.kind === 'ended') {
    return alert(report.t, { kind: 'device_lost', camera: report.camera?.label ?? null, microphone: report.microphone?.label ?? null, rule: 'a camera or microphone track ended during the exam (unplugged, or taken by another program)' });
  }
  const changed = (a: z.infer<typeof MediaDeviceInfo> | null | undefined, b: z.infer<typeof MediaDeviceInfo> | null) => (a?.deviceId ?? null) !== (b?.deviceId ?? null);
  if (!start || changed(start.camera, report.camera) || changed(start.microphone, report.microphone)) {
    return alert(report.t, {
      kind: 'device_changed',
      from: { camera: start?.camera?.label ?? null, microphone: start?.microphone?.label ?? null },
      to: { camera: report.camera?.label ?? null, microphone: report.microphone?.label ?? null },
      virtual: [report.camera, report.microphone].some((d) => d !== null && isVirtualDeviceName(d.label)),
      rule: 'the camera or microphone is another device than at the start of the exam',
    });
  }
  return undefined;
}

export interface OsVirtualCameras {
  /** V4L2 devices whose name is a virtual camera's. */
  readonly devices: { node: string; name: string }[];
  /** Loaded kernel modules that make virtual cameras. */
  readonly modules: string[];
  /** Where this was read from; empty where the OS does not tell (not Linux). */
  readonly sources: string[];
}

function readOr(path: string, fallback: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return fallback;
  }
}

/** What the OS tells of virtual cameras. `root` is the file system's root (a test points it at a made-up tree). */
export function osVirtualCameras(root = '/', platform: NodeJS.Platform = process.platform): OsVirtualCameras {
  if (platform !== 'linux') return { devices: [], modules: [], sources: [] };
  const v4l = join(root, 'sys/class/video4linux');
  let nodes: string[] = [];
  try {
    nodes = readdirSync(v4l);
  } catch {
    nodes = [];
  }
  const devices = nodes.map((node) => ({ node, name: readOr(join(v4l, node, 'name'), '').trim() })).filter((d) => isVirtualDeviceName(d.name));
  const loaded = readOr(join(root, 'proc/modules'), '')
    .split('\n')
    .map((line) => line.split(' ')[0] ?? '');
  const modules = VIRTUAL_CAMERA_MODULES.filter((m) => loaded.includes(m));
  return { devices, modules, sources: ['/sys/class/video4linux/*/name', '/proc/modules'] };
}

/** The OS's virtual cameras as an alert at session time `t`, or nothing. */
export function osVirtualCameraAlert(found: OsVirtualCameras, t: number): Alert | undefined {
  if (found.devices.length === 0 && found.modules.length === 0) return undefined;
  return alert(t, { kind: 'virtual_camera_installed', devices: found.devices, modules: found.modules, sources: found.sources, rule: 'the OS lists a virtual camera device or has a virtual camera module loaded' });
}
