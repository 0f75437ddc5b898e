import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../test/e2e/launch';
import { emptyFrame, type FrameFeatures } from '../features/schema';
import { defaultPolicy } from '../policy/policy';
import type { Alert } from '../rules/alert';
import { analyzeRecording } from '../session/analyze-recording';
import { renderReportHtml } from './html';
import { Report } from './report';

/**
 * The report page shows strings the candidate controls: window titles, process and file names in alert evidence,
 * the recording's file name, the ids typed at the start. Every string the report can carry (found by walking a
 * real report, so fields added later are covered too) gets hostile text; the page, parsed by Chromium, must have
 * exactly the elements and attributes it has with plain text in the same places.
 */

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => browser?.close());

/** Attacks tried in every field: leave the text, an attribute, a comment, the title, the style sheet and the SVG. */
const ATTACKS = [
  (id: string) => `<b data-injected="${id}">${id}</b>`,
  (id: string) => `"><img src=x data-injected="${id}" onerror="window.pwned='${id}'">`,
  (id: string) => `' onmouseover='window.pwned="${id}"' data-injected='${id}`,
  (id: string) => `</title></style></text></svg><script data-injected="${id}">window.pwned='${id}'</script>`,
  (id: string) => `<!-- ${id}`,
  (id: string) => `]]><svg onload="window.pwned='${id}'" data-injected="${id}"><foreignObject><iframe srcdoc="${id}"></iframe></foreignObject></svg>`,
  (id: string) => `&lt;i data-injected="${id}"&gt; &amp;`,
];

/** A real report of a 40 s recording with alerts, flagged intervals, high activity and evidence from the candidate's machine. */
async function realReport(): Promise<Report> {
  const frames: FrameFeatures[] = Array.from({ length: 40 * 12 }, (_, i) => ({ ...emptyFrame(i / 12, i), face_count: i / 12 > 20 && i / 12 < 30 ? 0 : 1, yaw: 3, pitch: -2, roll: 1, gaze_h: 0.05, gaze_v: 0.02, gaze_zone: 'center' }));
  const machine = (start: number): Alert[] => [
    { type: 'focus_lost', start, end: start + 2, severity: 'warning', confidence: 1, evidence: { reason: 'blur', returnedTo: { title: 'window title', process: 'process name', pid: 4242 } } },
    { type: 'prohibited_process', start: start + 1, end: start + 3, severity: 'critical', confidence: 1, evidence: { name: 'process name', path: '/home/candidate/file name', sha256: 'hash', args: ['arg one', 'arg two'] } },
    { type: 'clipboard', start: start + 2, end: start + 2, severity: 'info', confidence: 1, evidence: { source: 'xclip', formats: ['text/plain'] } },
    { type: 'key_combo', start: start + 3, end: start + 3, severity: 'warning', confidence: 1, evidence: { combo: 'Alt+Tab', source: 'uiohook' } },
  ];
  const report = await analyzeRecording(
    { source: 'exam file.mp4', durationSec: 40, hasVideo: true, hasAudio: true, frames, extraAlerts: () => [...machine(5), ...machine(32)] },
    { policy: defaultPolicy(), studentId: 'student', examId: 'exam' },
  );
  // Parts a short synthetic recording leaves empty; each is a string field the page may show.
  return Report.parse({
    ...report,
    notes: ['a note'],
    calibration: { ...report.calibration, reasons: ['a reason'] },
    segments: [{ id: 1, start: 4, end: 12, reason: 'a reason', sha256: 'a'.repeat(64), size: 2048 }],
    timeline: report.timeline.map((s, i) => (i === 3 ? { ...s, gazeZone: 'a zone' } : s)),
    summaries: { ...report.summaries, emotions: { neutral: 1 } },
    // A live session's record: device labels, the shell's lockdown state and preflight lines come from the machine.
    record: {
      shell: 'browser',
      policySha256: 'b'.repeat(64),
      preflight: [{ id: 'check id', status: 'warn', summary: 'a summary' }],
      lockdown: { state: 'a state', why: 'a reason' },
      devices: { camera: 'camera label', microphone: 'microphone label' },
      interruptions: [{ start: 10, end: 14, lengthSec: 4, measuredBy: 'monotonic' }],
      clockChanges: [{ t: 20, jumpSec: -3600 }],
      quitAttempts: { refused: 1, accepted: 0 },
      deviceChanges: [{ t: 30, change: 'devices_changed', kind: 'camera', labels: ['a device label'] }],
      refusedShortcuts: 2,
      chain: { events: 12, head: 'c'.repeat(64) },
    },
  });
}

/**
 * Every string leaf and every key of a free-form record, given `text(n)` in turn wherever the report schema still
 * accepts it (enums such as the alert type do not, and cannot carry hostile text). Returns the report and each
 * number's path.
 */
function fillStrings(report: Report, text: (n: number) => string): { report: Report; paths: string[] } {
  const paths: string[] = [];
  const root = structuredClone(report) as unknown as Record<string, unknown>;
  const valid = () => Report.safeParse(root).success;
  const visit = (node: Record<string, unknown> | unknown[], path: string) => {
    for (const key of Object.keys(node)) {
      const at = `${path}.${key}`;
      const value = (node as Record<string, unknown>)[key];
      if (typeof value === 'string') {
        const n = paths.length;
        (node as Record<string, unknown>)[key] = text(n);
        if (valid()) paths.push(at);
        else (node as Record<string, unknown>)[key] = value;
      } else if (value && typeof value === 'object') {
        visit(value as Record<string, unknown>, at);
      }
      if (!Array.isArray(node)) {
        // The key itself (evidence fields, contribution types, emotions).
        const n = paths.length;
        const renamed = text(n);
        const record = node as Record<string, unknown>;
        const v = record[key];
        delete record[key];
        record[renamed] = v;
        // Only where the schema keeps the new key: an optional field renamed away is merely dropped by zod.
        const parsed = Report.safeParse(root);
        if (parsed.success && JSON.stringify(parsed.data).includes(JSON.stringify(renamed))) paths.push(`${at} (key)`);
        else {
          delete record[renamed];
          record[key] = v;
        }
      }
    }
  };
  visit(root, 'report');
  expect(valid()).toBe(true);
  return { report: Report.parse(root), paths };
}

/** The page's element tree as Chromium parsed it: each element's name and attribute names, in document order. */
async function parse(html: string) {
  const page = await browser.newPage({ javaScriptEnabled: true });
  const dialogs: string[] = [];
  page.on('dialog', (d) => void (dialogs.push(d.message()), d.dismiss()));
  try {
    await page.setContent(html, { waitUntil: 'load' });
    const dom = await page.evaluate(() => ({
      shape: [...document.querySelectorAll('*')].map((e) => `${e.tagName.toLowerCase()}[${e.getAttributeNames().sort().join(',')}]`),
      injected: document.querySelectorAll('[data-injected], script, img, iframe, foreignObject, a, link, object, embed, form').length,
      handlers: [...document.querySelectorAll('*')].flatMap((e) => e.getAttributeNames().filter((a) => a.startsWith('on'))),
      pwned: (window as unknown as { pwned?: string }).pwned ?? null,
      text: document.documentElement.textContent ?? '',
    }));
    return { ...dom, dialogs };
  } finally {
    await page.close();
  }
}

describe('the HTML report with hostile text in every field the report can carry', () => {
  it('parses to the same elements and attributes as with plain text, shows the hostile text as text, and runs nothing', async () => {
    const base = await realReport();
    const plain = fillStrings(base, (n) => `plain text ${n}`);
    const plainPage = await parse(renderReportHtml(plain.report));
    expect(plainPage.injected).toBe(0);

    for (const [i, attack] of ATTACKS.entries()) {
      const hostile = fillStrings(base, (n) => attack(`F${n}`));
      expect(hostile.paths).toEqual(plain.paths);
      const page = await parse(renderReportHtml(hostile.report));
      const tried = `attack ${i}: ${attack('F0')}`;
      expect(page.injected, tried).toBe(0);
      expect(page.handlers, tried).toEqual([]);
      expect(page.pwned, tried).toBeNull();
      expect(page.dialogs, tried).toEqual([]);
      expect(page.shape, tried).toEqual(plainPage.shape);
      // The fields the page shows carry the attack as visible text (so the check above really covered them).
      // Nested evidence is shown as JSON, so its quotes appear backslashed.
      const shown = hostile.paths.filter((_, n) => page.text.includes(attack(`F${n}`)) || page.text.includes(JSON.stringify(attack(`F${n}`)).slice(1, -1)));
      for (const field of ['report.studentId', 'report.examId', 'report.source', 'report.notes.0', 'report.calibration.reasons.0', 'report.segments.0.reason']) expect(shown, `${tried}: ${field}`).toContain(field);
      // Evidence: values and keys, nested too (the window title and process name the candidate chose).
      for (const field of ['evidence.returnedTo.title', 'evidence.returnedTo.process', 'evidence.name', 'evidence.path', 'evidence.args.0']) expect(shown.some((p) => p.endsWith(field)), `${tried}: ${field}`).toBe(true);
      expect(shown.some((p) => /evidence\.\w+ \(key\)$/.test(p)), `${tried}: an evidence key`).toBe(true);
    }
  });

  it('counts what was filled: the ids, the file name, every evidence string and key, notes, reasons, clips and labels', async () => {
    const { paths } = fillStrings(await realReport(), (n) => `plain text ${n}`);
    for (const field of ['report.sessionId', 'report.studentId', 'report.examId', 'report.source', 'report.createdAt', 'report.timeline.3.gazeZone', 'report.segments.0.sha256', 'report.highActivityPeriods.0.types.0']) expect(paths).toContain(field);
    expect(paths.some((p) => /^report\.intervals\.\d+\.contributions\.\w+ \(key\)$/.test(p))).toBe(true);
    expect(paths.some((p) => /^report\.risk\.contributions\.\d+\.type$/.test(p))).toBe(true);
  });
});
