/**
 * Files the CLI writes are written beside their target and renamed into place at the end, so a failed or
 * interrupted command never leaves half a file over a good one.
 */
import { once } from 'node:events';
import { createWriteStream, renameSync, rmSync, writeFileSync, type WriteStream } from 'node:fs';

export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const partial = `${path}.partial`;
  try {
    writeFileSync(partial, data);
    renameSync(partial, path);
  } catch (error) {
    rmSync(partial, { force: true });
    throw error;
  }
}

/** A line-by-line output file (or stdout when no path) that appears only when committed. */
export class LineSink {
  private file: WriteStream | null = null;
  private readonly partial: string | null;

  constructor(private readonly path: string | undefined) {
    this.partial = path ? `${path}.partial` : null;
  }

  async write(line: string): Promise<void> {
    // Opened with the first line, so a command that fails before producing anything creates nothing.
    const out = this.partial ? (this.file ??= createWriteStream(this.partial)) : process.stdout;
    if (!out.write(`${line}\n`)) await once(out, 'drain');
  }

  async commit(): Promise<void> {
    await this.close();
    if (this.partial && this.path) renameSync(this.partial, this.path);
  }

  async discard(): Promise<void> {
    await this.close().catch(() => {});
    if (this.partial) rmSync(this.partial, { force: true });
  }

  private async close(): Promise<void> {
    if (!this.file) return;
    const file = this.file;
    this.file = null;
    file.end();
    await once(file, 'close');
  }
}
