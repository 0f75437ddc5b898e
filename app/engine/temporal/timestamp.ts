/** The feature tables' timestamps, `H-MM-SS.ffffff` (e.g. `0-00-28.600000`), to and from seconds. */

const PATTERN = /^(\d+)-(\d{1,2})-(\d{1,2}(?:\.\d+)?)$/;

export function parseTimestamp(text: string): number | null {
  const m = PATTERN.exec(text.trim());
  if (!m) return null;
  const [, h, min, s] = m;
  const minutes = Number(min);
  const seconds = Number(s);
  if (minutes >= 60 || seconds >= 60) return null;
  return Number(h) * 3600 + minutes * 60 + seconds;
}

export function formatTimestamp(seconds: number): string {
  // Microseconds as integers, so 28.6 prints as 28.600000 and never as 28.599999.
  const micros = Math.round(seconds * 1e6);
  const h = Math.floor(micros / 3_600_000_000);
  const min = Math.floor((micros % 3_600_000_000) / 60_000_000);
  const sMicros = micros % 60_000_000;
  const s = Math.floor(sMicros / 1e6);
  const frac = String(sMicros % 1e6).padStart(6, '0');
  return `${h}-${String(min).padStart(2, '0')}-${String(s).padStart(2, '0')}.${frac}`;
}
