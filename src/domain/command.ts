// An operator command and its one reply. The control protocol's Command line is CommandArgs plus the
// line's `type` and request `id`; its reply message is a CommandReply plus the same id.
export type CommandName = 'pause' | 'resume' | 'flatten' | 'forceInventory' | 'flush' | 'stats' | 'snapshot';
export const COMMAND_NAMES: readonly CommandName[] = ['pause', 'resume', 'flatten', 'forceInventory', 'flush', 'stats', 'snapshot'];

/** What an operator asks for. */
export interface CommandArgs {
  name: CommandName;
  /** One symbol, or omitted for all. */
  symbol?: string;
  /** forceInventory only. */
  value?: 'on' | 'off' | 'toggle';
  /** resume only: also reset the loss limits (they count from now; a hit limit is released). */
  resetLimits?: boolean;
}

/** The answer to one command: what was done (with optional data), or why not. */
export type CommandReply = { ok: true; message: string; data?: unknown } | { ok: false; error: string };
