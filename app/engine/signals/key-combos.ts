/**
 * Which key presses are combos worth recording. Ctrl and Cmd both count for copy/cut/paste: a candidate on
 * any OS may try either, and the attempt is what matters.
 */
import type { ComboId } from './events';
import type { KeyDown } from './input-source';

export interface ClassifiedCombo {
  readonly combo: ComboId;
  readonly keys: string;
}

const FUNCTION_KEY = /^F([1-9]|1\d|2[0-4])$/;
const CONSOLE_KEY = /^F([1-9]|1[0-2])$/;

function label(key: KeyDown): string {
  const parts: string[] = [];
  if (key.modifiers.ctrl) parts.push('Ctrl');
  if (key.modifiers.alt) parts.push('Alt');
  if (key.modifiers.shift) parts.push('Shift');
  if (key.modifiers.meta && key.key !== 'Meta') parts.push('Meta');
  parts.push(key.key);
  return parts.join('+');
}

export function classifyKey(key: KeyDown): ClassifiedCombo | null {
  const { ctrl, alt, meta } = key.modifiers;
  const combo = ((): ComboId | null => {
    if (ctrl && alt && CONSOLE_KEY.test(key.key)) return 'console_switch';
    switch (key.key) {
      case 'Tab':
        if (alt) return 'alt_tab';
        if (meta) return 'cmd_tab';
        return null;
      case 'Escape':
        if (alt) return 'alt_esc';
        if (ctrl) return 'ctrl_esc';
        return null;
      case 'Meta':
        return 'super';
      case 'PrintScreen':
        return 'print_screen';
      case 'C':
        return ctrl || meta ? 'copy' : null;
      case 'X':
        return ctrl || meta ? 'cut' : null;
      case 'V':
        return ctrl || meta ? 'paste' : null;
      case 'F4':
        if (alt) return 'alt_f4';
        return 'function_key';
      default:
        return FUNCTION_KEY.test(key.key) ? 'function_key' : null;
    }
  })();
  return combo ? { combo, keys: label(key) } : null;
}
