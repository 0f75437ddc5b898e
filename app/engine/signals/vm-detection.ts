/**
 * Is this machine a virtual machine? Not a yes/no: a score in [0, 1] from independent indicators, each kept
 * as evidence (what was looked at, what was found), so a reviewer sees why. Indicators combine as a noisy
 * OR — score = 1 - prod(1 - weight) over the indicators found — so each one raises the score and none alone
 * reaches 1. systeminformation reads DMI/BIOS, CPU flags and network cards on every OS; on Linux the PCI and
 * virtio devices come from /sys.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import si from 'systeminformation';

export type VmIndicatorId = 'dmi_strings' | 'hypervisor_cpu_flag' | 'mac_prefix' | 'virtual_devices' | 'hypervisor_sysfs' | 'os_reports_virtual';

export interface VmIndicator {
  readonly id: VmIndicatorId;
  readonly weight: number;
  readonly found: boolean;
  /** What was looked at and what matched. */
  readonly detail: Record<string, unknown>;
}

export interface VmAssessment {
  readonly score: number;
  readonly indicators: readonly VmIndicator[];
  /** The hypervisor or product named by the evidence, when one is. */
  readonly vendor: string | null;
}

export const VM_WEIGHTS: Record<VmIndicatorId, number> = {
  dmi_strings: 0.6,
  hypervisor_cpu_flag: 0.5,
  virtual_devices: 0.4,
  hypervisor_sysfs: 0.4,
  mac_prefix: 0.3,
  os_reports_virtual: 0.3,
};

/** Above this the session records vm_detected and the doctor check warns. */
export const VM_SCORE_THRESHOLD = 0.5;

const VM_STRINGS = /vmware|virtualbox|innotek|qemu|kvm|xen|hyper-v|virtual machine|parallels|bochs|bhyve|amazon ec2|google compute engine|firecracker|openstack|ovirt/i;

/** OUI prefixes that hypervisors assign to virtual network cards. */
export const VM_MAC_PREFIXES: Record<string, string> = {
  '00:05:69': 'VMware',
  '00:0c:29': 'VMware',
  '00:1c:14': 'VMware',
  '00:50:56': 'VMware',
  '08:00:27': 'VirtualBox',
  '0a:00:27': 'VirtualBox',
  '00:1c:42': 'Parallels',
  '52:54:00': 'QEMU/KVM',
  '00:15:5d': 'Hyper-V',
  '00:16:3e': 'Xen',
};

/** PCI vendor ids of virtual hardware. */
export const VM_PCI_VENDORS: Record<string, string> = {
  '0x15ad': 'VMware',
  '0x80ee': 'VirtualBox',
  '0x1af4': 'virtio (QEMU/KVM)',
  '0x1414': 'Hyper-V',
  '0x5853': 'Xen',
  '0x1ab8': 'Parallels',
};

export function vmScore(indicators: readonly VmIndicator[]): number {
  const miss = indicators.filter((i) => i.found).reduce((p, i) => p * (1 - i.weight), 1);
  return Math.round((1 - miss) * 1000) / 1000;
}

const indicator = (id: VmIndicatorId, found: boolean, detail: Record<string, unknown>): VmIndicator => ({ id, weight: VM_WEIGHTS[id], found, detail });

export function dmiIndicator(strings: Record<string, string>): VmIndicator {
  const matches = Object.entries(strings).filter(([, v]) => VM_STRINGS.test(v));
  return indicator('dmi_strings', matches.length > 0, { strings, matches: Object.fromEntries(matches) });
}

export function cpuFlagIndicator(flags: readonly string[]): VmIndicator {
  return indicator('hypervisor_cpu_flag', flags.includes('hypervisor'), { flag: 'hypervisor', present: flags.includes('hypervisor') });
}

export function macIndicator(interfaces: readonly { iface: string; mac: string }[]): VmIndicator {
  const matches = interfaces
    .map((n) => ({ iface: n.iface, mac: n.mac.toLowerCase(), vendor: VM_MAC_PREFIXES[n.mac.toLowerCase().slice(0, 8)] }))
    .filter((n) => n.vendor);
  return indicator('mac_prefix', matches.length > 0, { interfaces: interfaces.map((n) => ({ iface: n.iface, mac: n.mac })), matches });
}

export function devicesIndicator(pciVendors: readonly string[], virtioDevices: number): VmIndicator {
  const matched = [...new Set(pciVendors.filter((v) => VM_PCI_VENDORS[v]))].map((v) => ({ vendorId: v, vendor: VM_PCI_VENDORS[v] }));
  return indicator('virtual_devices', matched.length > 0 || virtioDevices > 0, { pciVendors: matched, virtioDevices });
}

function readTrim(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return '';
  }
}

function listDir(path: string): string[] {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}

async function safely<T>(read: () => Promise<T>, fallback: T): Promise<{ value: T; error?: string }> {
  try {
    return { value: await read() };
  } catch (error) {
    return { value: fallback, error: (error as Error).message };
  }
}

/** Looks at this machine. Never throws: an unreadable source is an indicator not found, with the error. */
export async function detectVm(): Promise<VmAssessment> {
  const [system, bios, cpu, nets] = await Promise.all([
    safely(() => si.system(), null),
    safely(() => si.bios(), null),
    safely(() => si.cpu(), null),
    safely(() => si.networkInterfaces(), []),
  ]);
  const dmi: Record<string, string> = {};
  if (system.value) Object.assign(dmi, { manufacturer: system.value.manufacturer, model: system.value.model, version: system.value.version });
  if (bios.value) Object.assign(dmi, { biosVendor: bios.value.vendor, biosVersion: bios.value.version });
  if (process.platform === 'linux') {
    for (const key of ['sys_vendor', 'product_name', 'board_vendor', 'bios_vendor', 'chassis_vendor']) {
      const value = readTrim(`/sys/class/dmi/id/${key}`);
      if (value) dmi[key] = value;
    }
  }
  const nonEmpty = Object.fromEntries(Object.entries(dmi).filter(([, v]) => v && v !== '-'));
  const flags = (cpu.value?.flags ?? '').split(/\s+/).filter(Boolean);
  const interfaces = (Array.isArray(nets.value) ? nets.value : [nets.value]).filter((n) => n.mac && n.mac !== '00:00:00:00:00:00').map((n) => ({ iface: n.iface, mac: n.mac }));

  const indicators: VmIndicator[] = [dmiIndicator(nonEmpty), cpuFlagIndicator(flags), macIndicator(interfaces)];
  if (process.platform === 'linux') {
    const pci = listDir('/sys/bus/pci/devices').map((d) => readTrim(`/sys/bus/pci/devices/${d}/vendor`));
    indicators.push(devicesIndicator(pci, listDir('/sys/bus/virtio/devices').length));
    const hypervisorType = existsSync('/sys/hypervisor/type') ? readTrim('/sys/hypervisor/type') : '';
    indicators.push(indicator('hypervisor_sysfs', hypervisorType !== '', { path: '/sys/hypervisor/type', value: hypervisorType || null }));
  }
  indicators.push(
    indicator('os_reports_virtual', system.value?.virtual === true, { virtual: system.value?.virtual ?? null, virtualHost: system.value?.virtualHost ?? null, ...(system.error ? { error: system.error } : {}) }),
  );
  const named = [system.value?.virtualHost, ...Object.values(nonEmpty).filter((v) => VM_STRINGS.test(v)), ...interfaces.map((n) => VM_MAC_PREFIXES[n.mac.toLowerCase().slice(0, 8)])].find(Boolean);
  return { score: vmScore(indicators), indicators, vendor: named ?? null };
}
