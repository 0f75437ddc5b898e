/**
 * Progress for long commands: a bar on an interactive terminal (stderr), nothing otherwise, so piped output
 * and --json stay clean. Every long-running command uses this one helper.
 */
import { SingleBar, Presets } from 'cli-progress';

export interface Progress {
  update(done: number, detail?: string): void;
  setTotal(total: number): void;
  stop(): void;
}

export function startProgress(label: string, total: number, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY || process.env.CI) return { update() {}, setTotal() {}, stop() {} };
  const bar = new SingleBar({ format: `${label} [{bar}] {percentage}% | {value}/{total} {detail}`, stream, hideCursor: true, clearOnComplete: false }, Presets.shades_classic);
  bar.start(total, 0, { detail: '' });
  return {
    update: (done, detail = '') => bar.update(done, { detail }),
    setTotal: (t) => bar.setTotal(t),
    stop: () => bar.stop(),
  };
}
