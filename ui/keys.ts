// Every key binding in one pure function: (key, what the screen shows) -> what to do. App performs the
// action; tests call this directly. Flatten is the only destructive key, so it is two-step: `f`/`F`
// arms a confirmation and only `y` fires it — any other key cancels.
import type { TradingMode } from '../src/control/protocol.js';
import type { CommandSpec } from './client.js';

/** The subset of Ink's Key this mapping reads (so tests need not build a whole Key). */
export interface KeyInfo {
  upArrow?: boolean;
  downArrow?: boolean;
  ctrl?: boolean;
}

export interface PendingConfirm {
  /** Command to send when the operator presses `y`. */
  cmd: CommandSpec;
  prompt: string;
}

export interface KeyState {
  symbols: ReadonlyArray<{ symbol: string; mode: TradingMode }>;
  selected: number;
  globalMode: TradingMode | null;
  confirm: PendingConfirm | null;
  helpOpen: boolean;
}

export type Action =
  | { type: 'send'; cmd: CommandSpec; label: string }
  | { type: 'confirm'; confirm: PendingConfirm }
  | { type: 'cancel'; label: string }
  | { type: 'select'; index: number }
  | { type: 'help'; open: boolean }
  | { type: 'quit' }
  | { type: 'none' };

export function keyToAction(input: string, key: KeyInfo, state: KeyState): Action {
  if (key.ctrl && input === 'c') return { type: 'quit' };

  if (state.confirm) {
    if (input === 'y') return { type: 'send', cmd: state.confirm.cmd, label: state.confirm.prompt.replace(/\?.*$/, '') };
    return { type: 'cancel', label: `${state.confirm.cmd.name === 'flatten' ? 'flatten' : 'reset'} cancelled` };
  }

  if (state.helpOpen) {
    // While the help overlay is up, any key just closes it (q still quits).
    if (input === 'q') return { type: 'quit' };
    return { type: 'help', open: false };
  }

  const n = state.symbols.length;
  const sel = n > 0 ? state.symbols[Math.min(Math.max(0, state.selected), n - 1)] : undefined;

  if (key.upArrow || input === 'k') return n > 0 ? { type: 'select', index: (state.selected - 1 + n) % n } : { type: 'none' };
  if (key.downArrow || input === 'j') return n > 0 ? { type: 'select', index: (state.selected + 1) % n } : { type: 'none' };

  switch (input) {
    case 'q':
      return { type: 'quit' };
    case '?':
      return { type: 'help', open: true };
    case 'p': {
      if (!sel) return { type: 'none' };
      const resume = sel.mode === 'PAUSED';
      return { type: 'send', cmd: { name: resume ? 'resume' : 'pause', symbol: sel.symbol }, label: `${resume ? 'resume' : 'pause'} ${sel.symbol}` };
    }
    case 'P': {
      const resume = state.globalMode === 'PAUSED';
      return { type: 'send', cmd: { name: resume ? 'resume' : 'pause' }, label: `${resume ? 'resume' : 'pause'} all` };
    }
    case 'f':
      if (!sel) return { type: 'none' };
      return { type: 'confirm', confirm: { cmd: { name: 'flatten', symbol: sel.symbol }, prompt: `flatten ${sel.symbol}? y to confirm, any other key cancels` } };
    case 'F':
      return { type: 'confirm', confirm: { cmd: { name: 'flatten' }, prompt: 'flatten ALL symbols? y to confirm, any other key cancels' } };
    case 'R':
      // Releases a hit loss limit: as deliberate as a flatten, so it is confirmed the same way.
      return {
        type: 'confirm',
        confirm: { cmd: { name: 'resume', resetLimits: true }, prompt: 'reset the loss limits and resume ALL symbols? y to confirm, any other key cancels' },
      };
    case 'i':
      return { type: 'send', cmd: { name: 'forceInventory', value: 'toggle' }, label: 'toggle inventory forcing' };
    case 'l':
      return { type: 'send', cmd: { name: 'flush' }, label: 'flush stats' };
    default:
      return { type: 'none' };
  }
}
