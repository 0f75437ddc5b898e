/**
 * The exam's system check, engine side: the doctor's checks plus what an exam needs to know about this
 * computer (displays, programs the exam forbids, virtual machine), each with the evidence it rests on.
 * Camera and microphone are checked in the candidate app, which owns the devices.
 */
import si from 'systeminformation';
import { runChecks, type CheckResult } from '../doctor/checks';

/** Programs that share or record the screen or let someone else help; matched on process name, case-insensitive. */
export const PROHIBITED_PROCESSES = ['teamviewer', 'anydesk', 'obs', 'obs64', 'discord', 'zoom', 'skype', 'slack', 'rustdesk', 'vncserver', 'x11vnc', 'chrome-remote-desktop'] as const;

export interface ExamCheck extends CheckResult {
  readonly label: string;
}

export async function displaysCheck(): Promise<ExamCheck> {
  const { displays } = await si.graphics();
  const count = displays.length;
  const evidence = { displays: displays.map((d) => ({ model: d.model || null, main: d.main ?? null, resolution: d.resolutionX && d.resolutionY ? `${d.resolutionX}x${d.resolutionY}` : null, connection: d.connection || null })) };
  if (count === 0) return { id: 'displays', label: 'Displays', status: 'warn', summary: 'No display could be listed on this computer', evidence, fix: 'If you use more than one screen, disconnect the others before the exam.' };
  return count === 1
    ? { id: 'displays', label: 'Displays', status: 'ok', summary: 'One display connected', evidence }
    : { id: 'displays', label: 'Displays', status: 'fail', summary: `${count} displays connected; exams allow one`, evidence, fix: 'Disconnect every screen but one, then check again.' };
}

export async function processesCheck(): Promise<ExamCheck> {
  const { list } = await si.processes();
  const found = [...new Set(list.map((p) => p.name.toLowerCase().replace(/\.exe$/, '')).filter((n) => (PROHIBITED_PROCESSES as readonly string[]).includes(n)))].sort();
  const evidence = { processesScanned: list.length, prohibitedFound: found, prohibitedList: [...PROHIBITED_PROCESSES] };
  return found.length === 0
    ? { id: 'processes', label: 'Programs not allowed', status: 'ok', summary: `None running (${list.length} processes checked)`, evidence }
    : { id: 'processes', label: 'Programs not allowed', status: 'fail', summary: `Running: ${found.join(', ')}`, evidence, fix: `Quit ${found.join(', ')}, then check again.` };
}

export async function virtualMachineCheck(): Promise<ExamCheck> {
  const system = await si.system();
  const evidence = { virtual: system.virtual, virtualHost: system.virtualHost ?? null, manufacturer: system.manufacturer || null, model: system.model || null };
  return system.virtual
    ? { id: 'vm', label: 'Virtual machine', status: 'fail', summary: `This computer is a virtual machine${system.virtualHost ? ` (${system.virtualHost})` : ''}`, evidence, fix: 'Sit the exam on a physical computer.' }
    : { id: 'vm', label: 'Virtual machine', status: 'ok', summary: 'Not a virtual machine', evidence };
}

const DOCTOR_LABELS: Record<string, string> = { node: 'Runtime', sqlite: 'Local storage', onnxruntime: 'Model runtime', models: 'Face models', data_folder: 'Data folder', ffmpeg: 'Video tools' };
/** Developer checks (evaluation data sets) say nothing about a candidate's computer. */
const NOT_FOR_EXAMS = new Set(['evaluation_data']);

/** Every check; one that throws becomes a warning naming what went wrong, never a silent pass. */
export async function examSystemCheck(env: NodeJS.ProcessEnv): Promise<ExamCheck[]> {
  const guarded = async (id: string, label: string, run: () => Promise<ExamCheck>): Promise<ExamCheck> => {
    try {
      return await run();
    } catch (error) {
      return { id, label, status: 'warn', summary: `Could not be checked: ${(error as Error).message}`, evidence: {} };
    }
  };
  const [doctor, displays, processes, vm] = await Promise.all([
    runChecks(undefined, env),
    guarded('displays', 'Displays', displaysCheck),
    guarded('processes', 'Programs not allowed', processesCheck),
    guarded('vm', 'Virtual machine', virtualMachineCheck),
  ]);
  return [displays, processes, vm, ...doctor.filter((c) => !NOT_FOR_EXAMS.has(c.id)).map((c) => ({ ...c, label: DOCTOR_LABELS[c.id] ?? c.id }))];
}
