/**
 * Virtual cameras and changed devices. The OS side reads a made-up /sys and /proc tree laid out as Linux lays
 * them out with v4l2loopback loaded (its default device name and module line): this sandbox has neither
 * /sys/class/video4linux nor /proc/modules nor modprobe, so a real v4l2loopback device cannot be loaded here.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deviceAlert, osVirtualCameraAlert, osVirtualCameras, type DeviceReport } from './capture-integrity';
import { virtualCameraCheck } from './system-check';

function fakeRoot(devices: Record<string, string>, modules: string[]): string {
  const root = mkdtempSync(join(tmpdir(), 'vigil-sysfs-'));
  for (const [node, name] of Object.entries(devices)) {
    mkdirSync(join(root, 'sys/class/video4linux', node), { recursive: true });
    writeFileSync(join(root, 'sys/class/video4linux', node, 'name'), `${name}\n`);
  }
  mkdirSync(join(root, 'proc'), { recursive: true });
  writeFileSync(join(root, 'proc/modules'), modules.map((m) => `${m} 49152 0 - Live 0x0000000000000000`).join('\n') + '\n');
  return root;
}

const camera = { label: 'Integrated Camera: Integrated C (04f2:b6dd)', deviceId: 'cam-1' };
const microphone = { label: 'Built-in Audio Analog Stereo', deviceId: 'mic-1' };
const start: DeviceReport = { t: 0, kind: 'start', camera, microphone };

describe('camera integrity', () => {
  it('finds a v4l2loopback device by its name and its kernel module, warns in the system check and alerts in the session', () => {
    const root = fakeRoot({ video0: 'Integrated Camera: Integrated C', video2: 'Dummy video device (0x0000)' }, ['uvcvideo', 'v4l2loopback', 'videodev']);
    const found = osVirtualCameras(root, 'linux');
    expect(found).toEqual({ devices: [{ node: 'video2', name: 'Dummy video device (0x0000)' }], modules: ['v4l2loopback'], sources: ['/sys/class/video4linux/*/name', '/proc/modules'] });
    const check = virtualCameraCheck(found);
    expect(check).toMatchObject({ id: 'camera_integrity', status: 'warn', summary: 'A virtual camera is installed: Dummy video device (0x0000) (video2), kernel module v4l2loopback' });
    expect(osVirtualCameraAlert(found, 0)).toMatchObject({ type: 'camera_integrity', severity: 'critical', evidence: { kind: 'virtual_camera_installed', modules: ['v4l2loopback'] } });
  });

  it('finds nothing on a computer with only a real camera', () => {
    const found = osVirtualCameras(fakeRoot({ video0: 'HD Pro Webcam C920' }, ['uvcvideo', 'videodev']), 'linux');
    expect(found.devices).toEqual([]);
    expect(found.modules).toEqual([]);
    expect(virtualCameraCheck(found).status).toBe('ok');
    expect(osVirtualCameraAlert(found, 0)).toBeUndefined();
  });

  it('alerts on a virtual camera the candidate app opened, by its name', () => {
    for (const label of ['OBS Virtual Camera', 'ManyCam Virtual Webcam', 'Snap Camera', 'XSplit VCam', 'Dummy video device (0x0000)']) {
      expect(deviceAlert({ ...start, camera: { label, deviceId: 'v' } }, []), label).toMatchObject({ type: 'camera_integrity', evidence: { kind: 'virtual_device', devices: [label] } });
    }
    expect(deviceAlert(start, [])).toBeUndefined();
  });

  it('alerts when the camera is lost or another device replaces the one the exam started with', () => {
    expect(deviceAlert({ ...start, t: 30, kind: 'ended' }, [start])).toMatchObject({ start: 30, evidence: { kind: 'device_lost', camera: camera.label } });
    const swapped = deviceAlert({ t: 42, kind: 'changed', camera: { label: 'OBS Virtual Camera', deviceId: 'obs' }, microphone }, [start]);
    expect(swapped).toMatchObject({ start: 42, evidence: { kind: 'device_changed', from: { camera: camera.label }, to: { camera: 'OBS Virtual Camera' }, virtual: true } });
    expect(deviceAlert({ t: 50, kind: 'changed', camera, microphone }, [start])).toBeUndefined();
  });
});
