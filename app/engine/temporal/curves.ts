/**
 * Training curves as a PNG: loss and validation loss per epoch (left axis), validation AUC (right axis, 0..1),
 * and a mark at the restored best epoch. Drawn as SVG and rendered by resvg (a prebuilt binary inside its
 * npm package; system fonts for the labels).
 */
import { Resvg } from '@resvg/resvg-js';
import type { EpochRecord } from './trainer';

const W = 900;
const H = 480;
const M = { left: 70, right: 70, top: 50, bottom: 75 };

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function curvesSvg(history: readonly EpochRecord[], title: string, bestEpoch: number): string {
  const epochs = Math.max(2, history.length);
  const maxLoss = Math.max(1e-6, ...history.flatMap((r) => [r.loss, r.valLoss]).filter(Number.isFinite)) * 1.05;
  const px = (epoch: number) => M.left + ((epoch - 1) / (epochs - 1)) * (W - M.left - M.right);
  const pyLoss = (v: number) => H - M.bottom - (Math.min(v, maxLoss) / maxLoss) * (H - M.top - M.bottom);
  const pyAuc = (v: number) => H - M.bottom - v * (H - M.top - M.bottom);
  const line = (points: [number, number][], color: string, dash = '') =>
    points.length === 0 ? '' : `<polyline fill="none" stroke="${color}" stroke-width="2.5" ${dash ? `stroke-dasharray="${dash}"` : ''} points="${points.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' ')}"/>`;
  const ticks: string[] = [];
  for (let i = 0; i <= 4; i++) {
    const y = H - M.bottom - (i / 4) * (H - M.top - M.bottom);
    ticks.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${y}" y2="${y}" stroke="#e5e5e5"/>`);
    ticks.push(`<text x="${M.left - 8}" y="${y + 4}" text-anchor="end">${((maxLoss * i) / 4).toFixed(3)}</text>`);
    ticks.push(`<text x="${W - M.right + 8}" y="${y + 4}">${(i / 4).toFixed(2)}</text>`);
  }
  const step = Math.max(1, Math.ceil(epochs / 10));
  for (let e = 1; e <= epochs; e += step) ticks.push(`<text x="${px(e)}" y="${H - M.bottom + 20}" text-anchor="middle">${e}</text>`);
  const best = bestEpoch > 0 ? `<line x1="${px(bestEpoch)}" x2="${px(bestEpoch)}" y1="${M.top}" y2="${H - M.bottom}" stroke="#888" stroke-dasharray="4 4"/><text x="${px(bestEpoch) + 4}" y="${M.top + 14}" fill="#555">best epoch ${bestEpoch}</text>` : '';
  const legend = [
    ['#1f77b4', 'training loss'],
    ['#d62728', 'validation loss'],
    ['#2ca02c', 'validation AUC (right axis)'],
  ]
    .map(([color, label], i) => `<rect x="${M.left + 10 + i * 230}" y="${H - 16}" width="14" height="4" fill="${color}"/><text x="${M.left + 30 + i * 230}" y="${H - 10}">${label}</text>`)
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="DejaVu Sans, Liberation Sans, sans-serif" font-size="12">
<rect width="100%" height="100%" fill="white"/>
<text x="${W / 2}" y="28" text-anchor="middle" font-size="16">${escape(title)}</text>
${ticks.join('\n')}
<rect x="${M.left}" y="${M.top}" width="${W - M.left - M.right}" height="${H - M.top - M.bottom}" fill="none" stroke="#333"/>
${best}
${line(history.map((r) => [px(r.epoch), pyLoss(r.loss)]), '#1f77b4')}
${line(history.map((r) => [px(r.epoch), pyLoss(r.valLoss)]), '#d62728')}
${line(history.filter((r) => r.valAuc !== null).map((r) => [px(r.epoch), pyAuc(r.valAuc!)]), '#2ca02c', '6 3')}
<text x="${W / 2}" y="${H - M.bottom + 38}" text-anchor="middle">epoch</text>
<text x="18" y="${H / 2}" transform="rotate(-90 18 ${H / 2})" text-anchor="middle">binary cross-entropy</text>
${legend}
</svg>`;
}

export function curvesPng(history: readonly EpochRecord[], title: string, bestEpoch: number): Uint8Array {
  return new Resvg(curvesSvg(history, title, bestEpoch), { font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' } }).render().asPng();
}
