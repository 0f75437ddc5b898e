import { describe, expect, it } from 'vitest';
import { cpuFlagIndicator, detectVm, devicesIndicator, dmiIndicator, macIndicator, VM_WEIGHTS, vmScore } from './vm-detection';

describe('virtual machine indicators', () => {
  it('recognises hypervisor DMI strings and names the matching fields', () => {
    const vbox = dmiIndicator({ manufacturer: 'innotek GmbH', model: 'VirtualBox', biosVendor: 'innotek GmbH' });
    expect(vbox.found).toBe(true);
    expect(vbox.detail.matches).toEqual({ manufacturer: 'innotek GmbH', model: 'VirtualBox', biosVendor: 'innotek GmbH' });
    expect(dmiIndicator({ manufacturer: 'LENOVO', model: '20XW0055GE', biosVendor: 'LENOVO' }).found).toBe(false);
  });
  it('reads the hypervisor CPU flag', () => {
    expect(cpuFlagIndicator(['fpu', 'sse2', 'hypervisor']).found).toBe(true);
    expect(cpuFlagIndicator(['fpu', 'sse2']).found).toBe(false);
  });
  it('recognises virtual network cards by their MAC prefix', () => {
    const m = macIndicator([{ iface: 'eth0', mac: '08:00:27:AB:CD:EF' }, { iface: 'wlan0', mac: '3c:22:fb:00:11:22' }]);
    expect(m.found).toBe(true);
    expect(m.detail.matches).toEqual([{ iface: 'eth0', mac: '08:00:27:ab:cd:ef', vendor: 'VirtualBox' }]);
  });
  it('recognises virtual PCI vendors and virtio devices', () => {
    expect(devicesIndicator(['0x8086', '0x15ad'], 0).detail.pciVendors).toEqual([{ vendorId: '0x15ad', vendor: 'VMware' }]);
    expect(devicesIndicator(['0x8086', '0x10de'], 0).found).toBe(false);
    expect(devicesIndicator([], 2).found).toBe(true);
  });
  it('scores nothing found as 0 and more evidence higher, never reaching 1', () => {
    const none = [dmiIndicator({ model: 'ThinkPad' }), cpuFlagIndicator([])];
    expect(vmScore(none)).toBe(0);
    const one = [dmiIndicator({ model: 'VMware Virtual Platform' }), cpuFlagIndicator([])];
    const two = [dmiIndicator({ model: 'VMware Virtual Platform' }), cpuFlagIndicator(['hypervisor'])];
    expect(vmScore(one)).toBe(VM_WEIGHTS.dmi_strings);
    expect(vmScore(two)).toBeCloseTo(1 - (1 - VM_WEIGHTS.dmi_strings) * (1 - VM_WEIGHTS.hypervisor_cpu_flag), 3);
    expect(vmScore(two)).toBeGreaterThan(vmScore(one));
    expect(vmScore(two)).toBeLessThan(1);
  });
});

describe('virtual machine detection on this machine', () => {
  it('reports every indicator it looked at, and a score that follows from them', async () => {
    const assessment = await detectVm();
    expect(assessment.indicators.map((i) => i.id)).toEqual(expect.arrayContaining(['dmi_strings', 'hypervisor_cpu_flag', 'mac_prefix', 'os_reports_virtual']));
    if (process.platform === 'linux') expect(assessment.indicators.map((i) => i.id)).toEqual(expect.arrayContaining(['virtual_devices', 'hypervisor_sysfs']));
    for (const i of assessment.indicators) {
      expect(i).toMatchObject({ weight: VM_WEIGHTS[i.id], found: expect.any(Boolean), detail: expect.any(Object) });
    }
    expect(assessment.score).toBe(vmScore(assessment.indicators));
    expect(assessment.score > 0).toBe(assessment.indicators.some((i) => i.found));
    // Printed so a CI log shows what this machine looked like.
    console.log(JSON.stringify({ score: assessment.score, vendor: assessment.vendor, found: assessment.indicators.filter((i) => i.found).map((i) => i.id) }));
  });
});
