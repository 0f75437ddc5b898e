/**
 * Renders a report as one self-contained HTML page: no scripts, no external resources, every value escaped.
 * The timeline stacks lanes on one time axis (alerts as bands by type, flagged intervals shaded behind
 * everything, face count, yaw with its limits, gaze zone, speech) so a reviewer sees at a glance when and why.
 */
import type { Report } from './report';

const SEVERITY_COLOR = { info: '#8c959f', warning: '#d4a72c', critical: '#cf222e' } as const;
const ZONE_COLOR: Record<string, string> = { center: '#2da44e', left: '#bf8700', right: '#bf8700', up: '#8250df', down: '#8250df', unknown: '#d0d7de' };
const LEVEL_COLOR = { CLEAN: '#1a7f37', BORDERLINE: '#9a6700', SUSPICIOUS: '#bc4c00', HIGH_RISK: '#cf222e' } as const;

export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export function clock(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  return h ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

function timelineSvg(r: Report): string {
  const W = 1000;
  const left = 130;
  const plot = W - left - 10;
  const dur = Math.max(1, r.durationSec);
  const x = (t: number) => left + (Math.min(Math.max(t, 0), dur) / dur) * plot;
  const types = [...new Set(r.alerts.map((a) => a.type))];
  const laneH = 18;
  const parts: string[] = [];
  let y = 10;

  const alertTop = y;
  for (const [i, type] of types.entries()) {
    const ly = alertTop + i * laneH;
    parts.push(`<text x="${left - 8}" y="${ly + 13}" text-anchor="end" class="lbl">${escapeHtml(type)}</text>`);
    for (const a of r.alerts.filter((al) => al.type === type)) {
      const x0 = x(a.start);
      const w = Math.max(3, x(a.end) - x0);
      parts.push(`<rect x="${x0.toFixed(1)}" y="${ly + 2}" width="${w.toFixed(1)}" height="${laneH - 4}" rx="2" fill="${SEVERITY_COLOR[a.severity]}"><title>${escapeHtml(`${a.type} ${clock(a.start)}-${clock(a.end)} ${a.severity}, confidence ${a.confidence}`)}</title></rect>`);
    }
  }
  if (types.length === 0) parts.push(`<text x="${left}" y="${alertTop + 13}" class="lbl">no alerts</text>`);
  y = alertTop + Math.max(1, types.length) * laneH + 10;

  // Face count lane: 0, 1, 2+ as a step line.
  const faceTop = y;
  const faceH = 36;
  parts.push(`<text x="${left - 8}" y="${faceTop + faceH / 2 + 4}" text-anchor="end" class="lbl">faces</text>`);
  const facePts = r.timeline.filter((s) => s.faceCount !== null).map((s) => `${x(s.t).toFixed(1)},${(faceTop + faceH - (Math.min(2, s.faceCount!) / 2) * faceH).toFixed(1)} ${x(s.t + 1).toFixed(1)},${(faceTop + faceH - (Math.min(2, s.faceCount!) / 2) * faceH).toFixed(1)}`);
  if (facePts.length) parts.push(`<polyline points="${facePts.join(' ')}" fill="none" stroke="#0969da" stroke-width="1.5"/>`);
  parts.push(`<text x="${left + 2}" y="${faceTop + 8}" class="tick">2+</text><text x="${left + 2}" y="${faceTop + faceH}" class="tick">0</text>`);
  y = faceTop + faceH + 12;

  // Yaw lane, -60..60 degrees, with the calibrated limits dashed.
  const yawTop = y;
  const yawH = 60;
  const yy = (deg: number) => yawTop + yawH / 2 - (Math.max(-60, Math.min(60, deg)) / 60) * (yawH / 2);
  parts.push(`<text x="${left - 8}" y="${yawTop + yawH / 2 + 4}" text-anchor="end" class="lbl">yaw (deg)</text>`);
  const base = r.calibration.baseline?.yaw.mean ?? 0;
  for (const limit of [base + r.calibration.thresholds.yawDeg, base - r.calibration.thresholds.yawDeg]) {
    parts.push(`<line x1="${left}" x2="${left + plot}" y1="${yy(limit).toFixed(1)}" y2="${yy(limit).toFixed(1)}" stroke="#cf222e" stroke-dasharray="4 3" stroke-width="1"/>`);
  }
  parts.push(`<line x1="${left}" x2="${left + plot}" y1="${yy(0)}" y2="${yy(0)}" stroke="#d0d7de"/>`);
  const yawPts = r.timeline.filter((s) => s.yaw !== null).map((s) => `${x(s.t + 0.5).toFixed(1)},${yy(s.yaw!).toFixed(1)}`);
  if (yawPts.length) parts.push(`<polyline points="${yawPts.join(' ')}" fill="none" stroke="#0969da" stroke-width="1.5"/>`);
  y = yawTop + yawH + 12;

  // Gaze zone strip.
  const gazeTop = y;
  parts.push(`<text x="${left - 8}" y="${gazeTop + 12}" text-anchor="end" class="lbl">gaze</text>`);
  for (const s of r.timeline) {
    if (!s.gazeZone) continue;
    parts.push(`<rect x="${x(s.t).toFixed(1)}" y="${gazeTop + 2}" width="${Math.max(1, x(s.t + 1) - x(s.t)).toFixed(1)}" height="14" fill="${ZONE_COLOR[s.gazeZone] ?? '#d0d7de'}"><title>${escapeHtml(`${clock(s.t)} ${s.gazeZone}`)}</title></rect>`);
  }
  y = gazeTop + 28;

  // Speech probability bars.
  const speechTop = y;
  const speechH = 28;
  parts.push(`<text x="${left - 8}" y="${speechTop + speechH / 2 + 4}" text-anchor="end" class="lbl">speech</text>`);
  for (const s of r.timeline) {
    if (s.speech === null) continue;
    const h = s.speech * speechH;
    parts.push(`<rect x="${x(s.t).toFixed(1)}" y="${(speechTop + speechH - h).toFixed(1)}" width="${Math.max(1, x(s.t + 1) - x(s.t) - 0.5).toFixed(1)}" height="${h.toFixed(1)}" fill="#8250df"/>`);
  }
  if (!r.media.audio) parts.push(`<text x="${left + 4}" y="${speechTop + speechH / 2 + 4}" class="tick">no audio</text>`);
  y = speechTop + speechH + 10;

  if (r.timeline.some((s) => s.temporalScore !== null)) {
    const tTop = y;
    const tH = 28;
    parts.push(`<text x="${left - 8}" y="${tTop + tH / 2 + 4}" text-anchor="end" class="lbl">temporal</text>`);
    const pts = r.timeline.filter((s) => s.temporalScore !== null).map((s) => `${x(s.t + 0.5).toFixed(1)},${(tTop + tH - s.temporalScore! * tH).toFixed(1)}`);
    parts.push(`<polyline points="${pts.join(' ')}" fill="none" stroke="#bc4c00" stroke-width="1.5"/>`);
    y = tTop + tH + 10;
  }

  // Flagged intervals behind everything, interval boundaries as faint lines.
  const under: string[] = [];
  for (const iv of r.intervals) {
    if (iv.flagged) under.push(`<rect x="${x(iv.start).toFixed(1)}" y="4" width="${(x(iv.end) - x(iv.start)).toFixed(1)}" height="${y - 4}" fill="#ffebe9"><title>${escapeHtml(`flagged interval ${clock(iv.start)}-${clock(iv.end)}, score ${iv.score}`)}</title></rect>`);
    under.push(`<line x1="${x(iv.start).toFixed(1)}" x2="${x(iv.start).toFixed(1)}" y1="4" y2="${y}" stroke="#eaeef2"/>`);
  }
  for (const p of r.highActivityPeriods) under.push(`<rect x="${x(p.start).toFixed(1)}" y="2" width="${Math.max(2, x(p.end) - x(p.start)).toFixed(1)}" height="4" fill="#bc4c00"><title>high activity ${escapeHtml(clock(p.start))}-${escapeHtml(clock(p.end))}</title></rect>`);

  // Time axis.
  const step = niceStep(dur);
  const ticks: string[] = [];
  for (let t = 0; t <= dur + 1e-6; t += step) ticks.push(`<line x1="${x(t).toFixed(1)}" x2="${x(t).toFixed(1)}" y1="${y}" y2="${y + 4}" stroke="#57606a"/><text x="${x(t).toFixed(1)}" y="${y + 16}" text-anchor="middle" class="tick">${clock(t)}</text>`);
  const height = y + 24;
  return `<svg viewBox="0 0 ${W} ${height}" width="100%" role="img" aria-label="Timeline of the session: alerts, flagged intervals, face count, yaw, gaze and speech">${under.join('')}${parts.join('')}${ticks.join('')}</svg>`;
}

function niceStep(duration: number): number {
  for (const s of [5, 10, 15, 30, 60, 120, 300, 600, 900, 1800]) if (duration / s <= 12) return s;
  return 3600;
}

function evidenceText(evidence: Record<string, unknown>): string {
  return Object.entries(evidence)
    .map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join('; ');
}

export function renderReportHtml(r: Report): string {
  const counts = { critical: 0, warning: 0, info: 0 };
  for (const a of r.alerts) counts[a.severity] += 1;
  const flagged = r.intervals.filter((i) => i.flagged);
  const pct = (v: number | null) => (v === null ? '—' : `${Math.round(v * 100)}%`);
  const rows = r.alerts
    .map((a) => `<tr><td>${escapeHtml(clock(a.start))}–${escapeHtml(clock(a.end))}</td><td>${escapeHtml(a.type)}</td><td><span class="sev ${a.severity}">${a.severity}</span></td><td>${a.confidence.toFixed(2)}</td><td class="ev">${escapeHtml(evidenceText(a.evidence))}</td></tr>`)
    .join('');
  const intervalRows = flagged
    .map((i) => `<tr><td>${clock(i.start)}–${clock(i.end)}</td><td>${i.score}</td><td>${i.flaggedAt === null ? '' : clock(i.flaggedAt)}</td><td>${escapeHtml(Object.entries(i.contributions).map(([t, c]) => `${t} ×${c.count} (+${c.points})`).join(', '))}</td></tr>`)
    .join('');
  const riskRows = r.risk.contributions.map((c) => `<tr><td>${escapeHtml(c.type)}</td><td>${c.alerts}</td><td>${c.evidence.toFixed(2)}</td><td>${c.weight.toFixed(2)}</td></tr>`).join('');
  const cal = r.calibration;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>Vigil report — ${escapeHtml(r.studentId ?? 'unknown candidate')} — ${escapeHtml(r.risk.level)}</title>
<style>
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1f2328;background:#f6f8fa;margin:0}
main{max-width:1080px;margin:0 auto;padding:24px}
h1{font-size:1.5rem;margin:0}h2{font-size:1.1rem;margin:0 0 10px}
.meta{color:#57606a;margin:4px 0 16px}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:12px;margin-bottom:16px}
.card,.panel{background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:14px}
.card b{display:block;font-size:1.4rem;margin-top:4px}
.risk{color:#fff;background:${LEVEL_COLOR[r.risk.level]};border-color:${LEVEL_COLOR[r.risk.level]}}
.panel{margin-bottom:16px;overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:.9rem}th,td{text-align:left;padding:5px 8px;border-bottom:1px solid #eaeef2;vertical-align:top}
th{color:#57606a;font-weight:600}.ev{color:#57606a;font-size:.8rem;max-width:520px}
.sev{padding:1px 6px;border-radius:10px;color:#fff;font-size:.8rem}.sev.info{background:#8c959f}.sev.warning{background:#9a6700}.sev.critical{background:#cf222e}
svg .lbl{font-size:11px;fill:#57606a}svg .tick{font-size:10px;fill:#57606a}
.legend span{display:inline-block;margin-right:14px;font-size:.85rem}.legend i{display:inline-block;width:12px;height:12px;border-radius:2px;margin-right:4px;vertical-align:-1px}
</style></head><body><main>
<h1>Vigil analysis report</h1>
<p class="meta">Candidate <b>${escapeHtml(r.studentId ?? '—')}</b> · exam <b>${escapeHtml(r.examId ?? '—')}</b> · ${escapeHtml(r.source)} · ${escapeHtml(clock(r.durationSec))} · analysed ${escapeHtml(r.createdAt)}</p>
<div class="cards">
<div class="card risk">Risk<b>${escapeHtml(r.risk.level.replace('_', ' '))}</b>score ${r.risk.score.toFixed(2)}</div>
<div class="card">Alerts<b>${r.alerts.length}</b>${counts.critical} critical · ${counts.warning} warning · ${counts.info} info</div>
<div class="card">Flagged intervals<b>${flagged.length} / ${r.intervals.length}</b>of ${r.intervals[0] ? Math.round(r.intervals[0].end - r.intervals[0].start) : 30} s</div>
<div class="card">Calibration<b>${cal.status}</b>${cal.framesAccepted}/${cal.framesSeen} frames</div>
<div class="card">Engagement<b>${r.summaries.engagement.mean ?? '—'}</b>eye contact ${pct(r.summaries.eyeContact.share)}</div>
</div>
<section class="panel"><h2>Timeline</h2>${timelineSvg(r)}
<p class="legend"><span><i style="background:#cf222e"></i>critical</span><span><i style="background:#d4a72c"></i>warning</span><span><i style="background:#8c959f"></i>info</span><span><i style="background:#ffebe9;border:1px solid #cf222e"></i>flagged interval</span><span><i style="background:#bc4c00"></i>high activity</span><span><i style="background:#2da44e"></i>gaze centre</span><span><i style="background:#bf8700"></i>gaze left/right</span><span><i style="background:#8250df"></i>gaze up/down, speech</span></p></section>
<section class="panel"><h2>Alerts (${r.alerts.length})</h2>${r.alerts.length ? `<table><thead><tr><th>When</th><th>Type</th><th>Severity</th><th>Confidence</th><th>Evidence</th></tr></thead><tbody>${rows}</tbody></table>` : '<p>No alerts.</p>'}</section>
<section class="panel"><h2>Flagged intervals (${flagged.length})</h2>${flagged.length ? `<table><thead><tr><th>Interval</th><th>Score</th><th>Flagged at</th><th>Why</th></tr></thead><tbody>${intervalRows}</tbody></table>` : '<p>No interval reached the flag threshold.</p>'}</section>
<section class="panel"><h2>Risk: how the score is made</h2>${riskRows ? `<table><thead><tr><th>Signal</th><th>Alerts</th><th>Evidence (0–1)</th><th>Weight</th></tr></thead><tbody>${riskRows}</tbody></table>` : '<p>No signal contributed.</p>'}
${r.highActivityPeriods.length ? `<p>High-activity periods: ${r.highActivityPeriods.map((p) => `${clock(p.start)}–${clock(p.end)} (${p.alerts} alerts: ${escapeHtml(p.types.join(', '))})`).join('; ')}</p>` : ''}</section>
<section class="panel"><h2>Calibration</h2><p>${cal.status} over ${cal.seconds} s${cal.baseline ? ` · baseline yaw ${cal.baseline.yaw.mean.toFixed(1)}°, pitch ${cal.baseline.pitch.mean.toFixed(1)}°, roll ${cal.baseline.roll.mean.toFixed(1)}°` : ''} · limits yaw ±${cal.thresholds.yawDeg.toFixed(0)}°, pitch ±${cal.thresholds.pitchDeg.toFixed(0)}°</p>${cal.reasons.length ? `<ul>${cal.reasons.map((x) => `<li>${escapeHtml(x)}</li>`).join('')}</ul>` : ''}</section>
${r.record ? recordSection(r.record) : ''}
${r.notes.length ? `<section class="panel"><h2>Notes</h2><ul>${r.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul></section>` : ''}
${r.segments.length ? `<section class="panel"><h2>Evidence kept (${r.segments.length})</h2><table><thead><tr><th>Clip</th><th>Why</th><th>Size</th><th>sha256</th></tr></thead><tbody>${r.segments.map((s) => `<tr><td>${clock(s.start)}–${clock(s.end)}</td><td>${escapeHtml(s.reason)}</td><td>${(s.size / 1024).toFixed(0)} KiB</td><td><code>${escapeHtml(s.sha256.slice(0, 16))}…</code></td></tr>`).join('')}</tbody></table></section>` : ''}
</main></body></html>
`;
}

/** A live session's circumstances: where it ran and what interfered with the record. Every value is escaped. */
function recordSection(rec: NonNullable<Report['record']>): string {
  const item = (label: string, value: string) => `<li>${label}: ${escapeHtml(value)}</li>`;
  const gaps = rec.interruptions.map((g) => `${clock(g.start)}–${clock(g.end)} (${g.lengthSec.toFixed(1)} s, ${g.measuredBy} clock)`).join('; ');
  return `<section class="panel"><h2>Record</h2><ul>${[
    item('Shell', rec.shell),
    item('Policy sha256', rec.policySha256),
    item('Lockdown', JSON.stringify(rec.lockdown)),
    item('Camera', rec.devices.camera ?? 'not named'),
    item('Microphone', rec.devices.microphone ?? 'not named'),
    item('System check', rec.preflight.map((c) => `${c.id} ${c.status}`).join(', ') || 'not run'),
    item('Engine stopped', gaps || 'never'),
    item('Clock changed', rec.clockChanges.map((c) => `at ${clock(c.t)} by ${c.jumpSec.toFixed(0)} s`).join('; ') || 'never'),
    item('Device changes', rec.deviceChanges.map((d) => `at ${clock(d.t)} ${d.change} (${d.kind}): ${d.labels.join(', ')}`).join('; ') || 'none'),
    item('Quit attempts', `${rec.quitAttempts.refused} refused, ${rec.quitAttempts.accepted} accepted`),
    item('Refused shortcuts', String(rec.refusedShortcuts)),
    item('Event chain', `${rec.chain.events} events, head ${rec.chain.head.slice(0, 16)}…`),
  ].join('')}</ul></section>`;
}
