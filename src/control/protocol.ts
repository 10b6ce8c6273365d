// The control protocol between the headless core and its clients (the Ink TUI, `tierhunter ctl`).
// Newline-delimited JSON over a Unix socket (framed by ./ndjson.ts). This module and ndjson.ts are the
// ONLY things the UI imports from the core: types and pure helpers, no I/O. Decimals travel as strings, times as epoch milliseconds.

import { COMMAND_NAMES, type CommandArgs, type CommandName, type CommandReply } from '../domain/command.js';
import type { Snapshot } from '../domain/snapshot.js';

export const PROTOCOL_VERSION = 1;
/** A line longer than this is rejected with an error reply (and the connection is kept). */
export const MAX_LINE_BYTES = 64 * 1024;
/** The core never pushes state more often than this. */
export const MIN_PUSH_INTERVAL_MS = 100;

// The vocabulary the protocol carries is the domain's (src/domain/); it is re-exported here because the
// UI imports only this module and ndjson.ts.
export type { AlertLevel, AlertView } from '../domain/alert.js';
export type { CommandArgs, CommandName, CommandReply } from '../domain/command.js';
export { COMMAND_NAMES } from '../domain/command.js';
export type { MarketType } from '../domain/market.js';
export type { Side } from '../domain/side.js';
export type {
  ApiView,
  FillView,
  LimitsView,
  LossLimitView,
  OrderView,
  RunMode,
  Snapshot,
  SymbolView,
  TierView,
  TotalsView,
} from '../domain/snapshot.js';
export type { SideReason, TradingMode } from '../domain/trading-mode.js';

/** One command line from a client: the operator's CommandArgs, tagged and with the id its reply echoes. */
export interface Command extends CommandArgs {
  type: 'cmd';
  id: string;
}

/** One Command line's object from a client's request (both clients build it here). */
export function buildCommand(id: string, a: CommandArgs): Command {
  const cmd: Command = { type: 'cmd', id, name: a.name };
  if (a.symbol !== undefined) cmd.symbol = a.symbol;
  if (a.value !== undefined) cmd.value = a.value;
  if (a.resetLimits !== undefined) cmd.resetLimits = a.resetLimits;
  return cmd;
}

/** A command's reply on the wire: the CommandReply with the id of the command it answers (null: a line too bad to read one). */
export type ReplyMessage = { type: 'reply'; id: string | null } & CommandReply;

/** Core -> client messages. */
export type ServerMessage =
  | { type: 'hello'; protocol: number; coreVersion: string; pid: number }
  | { type: 'snapshot'; seq: number; snapshot: Snapshot }
  /** Top-level Snapshot keys that changed since the previous push, replaced wholesale. */
  | { type: 'patch'; seq: number; changes: Partial<Snapshot> }
  | ReplyMessage
  | { type: 'bye'; reason: string };

export function encode(msg: ServerMessage | Command): string {
  return JSON.stringify(msg) + '\n';
}

/** Validate one client line into a Command, or return an error string. Pure. */
export function parseCommand(line: string): { ok: true; cmd: Command } | { ok: false; id: string | null; error: string } {
  if (Buffer.byteLength(line, 'utf8') > MAX_LINE_BYTES) return { ok: false, id: null, error: `line exceeds ${MAX_LINE_BYTES} bytes` };
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return { ok: false, id: null, error: 'malformed JSON' };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, id: null, error: 'expected a JSON object' };
  const o = raw as Record<string, unknown>;
  const id = typeof o['id'] === 'string' && o['id'].length <= 64 ? o['id'] : null;
  if (o['type'] !== 'cmd') return { ok: false, id, error: 'expected type "cmd"' };
  if (id === null) return { ok: false, id: null, error: 'missing or invalid id (string, at most 64 chars)' };
  const name = o['name'];
  if (typeof name !== 'string' || !(COMMAND_NAMES as readonly string[]).includes(name)) {
    return { ok: false, id, error: `unknown command ${JSON.stringify(name)}; expected one of ${COMMAND_NAMES.join(', ')}` };
  }
  const cmd: Command = { type: 'cmd', id, name: name as CommandName };
  if (o['symbol'] !== undefined && o['symbol'] !== null) {
    if (typeof o['symbol'] !== 'string' || !/^[A-Z0-9_]{1,40}$/.test(o['symbol'])) return { ok: false, id, error: 'invalid symbol' };
    cmd.symbol = o['symbol'];
  }
  if (name === 'forceInventory') {
    const v = o['value'] ?? 'toggle';
    if (v !== 'on' && v !== 'off' && v !== 'toggle') return { ok: false, id, error: 'forceInventory value must be on, off or toggle' };
    cmd.value = v;
  }
  if (o['resetLimits'] !== undefined) {
    if (name !== 'resume') return { ok: false, id, error: 'resetLimits is only valid with resume' };
    if (typeof o['resetLimits'] !== 'boolean') return { ok: false, id, error: 'resetLimits must be true or false' };
    cmd.resetLimits = o['resetLimits'];
  }
  return { ok: true, cmd };
}

/** Apply a server message to a client-side snapshot. Pure; used by the UI hook and by tests. */
export function applyMessage(prev: Snapshot | null, msg: ServerMessage): Snapshot | null {
  if (msg.type === 'snapshot') return msg.snapshot;
  if (msg.type === 'patch' && prev) return { ...prev, ...msg.changes };
  return prev;
}
