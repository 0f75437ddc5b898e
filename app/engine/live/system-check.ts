/**
 * The exam's system check, engine side: the doctor's checks (displays, prohibited programs, virtual machine,
 * remote session, storage, runtime...) with words a candidate can read, plus whether camera frames can be
 * analysed at all. Camera and microphone are checked in the candidate app, which opens the devices itself
 * (stronger evidence than the OS listing, and the only view a sandboxed browser allows).
 */
import { runChecks, type CheckResult } from '../doctor/checks';
import type { Preflight } from '../signals/preflight';
import { loadFrameAnalyzer } from './frame-analyzer';
import { osVirtualCameras, type OsVirtualCameras } from './capture-integrity';

export interface ExamCheck extends CheckResult {
  readonly label: string;
}

/** Whether camera frames can be analysed at all: identity, calibration and video alerts depend on it. */
export async function faceAnalysisCheck(): Promise<ExamCheck> {
  const availability = await loadFrameAnalyzer();
  return availability.available
    ? { id: 'face_analysis', label: 'Face analysis', status: 'ok', summary: 'The on-device face pipeline is ready', evidence: { available: true } }
    : { id: 'face_analysis', label: 'Face analysis', status: 'warn', summary: `Not available: ${availability.reason}`, evidence: { available: false, reason: availability.reason }, fix: 'Identity checks, calibration and video alerts are off for this exam; the report says so.' };
}

/** Virtual cameras the OS lists (device names, kernel modules): a warning before the exam, an alert in it. */
export function virtualCameraCheck(found: OsVirtualCameras = osVirtualCameras()): ExamCheck {
  const names = [...found.devices.map((d) => `${d.name} (${d.node})`), ...found.modules.map((m) => `kernel module ${m}`)];
  if (found.sources.length === 0) return { id: 'camera_integrity', label: 'Virtual cameras', status: 'ok', summary: 'This system does not list camera drivers; the app checks the device names', evidence: { sources: [] } };
  return names.length > 0
    ? { id: 'camera_integrity', label: 'Virtual cameras', status: 'warn', summary: `A virtual camera is installed: ${names.join(', ')}`, evidence: { ...found }, fix: 'Remove the virtual camera (unload its module) before the exam; the exam records it as an alert.' }
    : { id: 'camera_integrity', label: 'Virtual cameras', status: 'ok', summary: 'No virtual camera device or module', evidence: { ...found } };
}

const LABELS: Record<string, string> = {
  vm: 'Virtual machine',
  prohibited_processes: 'Programs not allowed',
  displays: 'Displays',
  remote_session: 'Remote session',
  node: 'Runtime',
  sqlite: 'Local storage',
  onnxruntime: 'Model runtime',
  models: 'Face models',
  data_folder: 'Data folder',
  ffmpeg: 'Video tools',
  input_hook: 'Keyboard monitor',
  keyboard_lock: 'Keyboard lock',
};
/** Checks the candidate app makes itself (camera, microphone) or that say nothing about a candidate's computer. */
const NOT_HERE = new Set(['camera', 'microphone', 'evaluation_data']);
/** The exam-relevant checks first, in this order; the rest keep the doctor's order. */
const FIRST = ['prohibited_processes', 'displays', 'remote_session', 'vm'];

export async function examSystemCheck(env: NodeJS.ProcessEnv): Promise<ExamCheck[]> {
  const [face, doctor] = await Promise.all([faceAnalysisCheck(), runChecks(undefined, env)]);
  const rank = (id: string) => (FIRST.includes(id) ? FIRST.indexOf(id) : FIRST.length);
  const exam = doctor.filter((c) => !NOT_HERE.has(c.id)).sort((a, b) => rank(a.id) - rank(b.id));
  return [face, virtualCameraCheck(), ...exam.map((c) => ({ ...c, label: LABELS[c.id] ?? c.id.replace(/_/g, ' ') }))];
}

const STATUS = { ok: 'ok', warn: 'warn', refuse: 'fail' } as const;

/**
 * The checks with the OS findings judged by the exam's policy (preflight.ts): a finding the policy refuses is
 * `fail` with what to do, one it warns about is `warn`, one it allows is `ok` (its evidence still shown).
 */
export function judgedByPolicy(checks: readonly ExamCheck[], preflight: Preflight): ExamCheck[] {
  const byId = new Map(preflight.findings.map((f) => [f.id as string, f]));
  const judged = checks.map((c): ExamCheck => {
    const finding = byId.get(c.id);
    if (!finding) return c;
    byId.delete(c.id);
    const fix = finding.fix ?? c.fix;
    return { id: c.id, label: c.label, status: STATUS[finding.verdict], summary: finding.summary, evidence: { ...finding.evidence, doctor: c.evidence }, ...(fix && finding.verdict !== 'ok' ? { fix } : {}) };
  });
  const rest = [...byId.values()].map((f): ExamCheck => ({ id: f.id, label: LABELS[f.id] ?? f.id, status: STATUS[f.verdict], summary: f.summary, evidence: f.evidence, ...(f.fix && f.verdict !== 'ok' ? { fix: f.fix } : {}) }));
  return [...judged, ...rest];
}
