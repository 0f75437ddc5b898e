/**
 * ClipboardPort on Electron's clipboard (main process; Electron 45's promise API): every OS Electron runs on.
 * `selection` 'primary' is X11's middle-click selection (`clipboard.selection`, undefined off Linux).
 */
import { clipboard } from 'electron';
import type { ClipboardPort } from '../engine/signals/clipboard';

export function createElectronClipboard(selection: 'clipboard' | 'primary' = 'clipboard'): ClipboardPort {
  const board = selection === 'primary' ? (clipboard.selection as typeof clipboard | undefined) : clipboard;
  return {
    name: 'electron',
    selection,
    async read() {
      if (!board) return { formats: [], text: '' };
      const items = await board.read();
      const formats = [...new Set(items.flatMap((item) => item.types))];
      return { formats, text: formats.some((f) => f.startsWith('text/')) ? await board.readText() : '' };
    },
    async clear() {
      board?.clear();
    },
  };
}
