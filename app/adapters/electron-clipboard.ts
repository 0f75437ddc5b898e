/** ClipboardPort on Electron's clipboard (main process; Electron 45's promise API): every OS Electron runs on. */
import { clipboard } from 'electron';
import type { ClipboardPort } from '../engine/signals/clipboard';

export function createElectronClipboard(): ClipboardPort {
  return {
    name: 'electron',
    async read() {
      const items = await clipboard.read();
      const formats = [...new Set(items.flatMap((item) => item.types))];
      return { formats, text: formats.some((f) => f.startsWith('text/')) ? await clipboard.readText() : '' };
    },
    async clear() {
      clipboard.clear();
      // X11 also has the middle-click PRIMARY selection; `selection` is undefined on other OSes.
      (clipboard.selection as typeof clipboard | undefined)?.clear();
    },
  };
}
