// ui/: the Ink terminal dashboard: the container (this file), the one hook with I/O (useCore.ts) over the
// control-socket client (client.ts), key bindings (keys.ts), formats and theme, its entry (main.tsx) and
// the CLI's loader (load.ts); the panels are in components/. It imports from src/ only src/control/protocol.ts.
//
// The dashboard container: gets state from useCore (the only I/O), turns keys into actions with the
// pure keyToAction, and lays the panels out in a FIXED number of lines for the terminal size so the
// screen stays still while numbers change.
import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import { Box, Text, useApp, useInput, useStdout } from 'ink';
import type { Snapshot } from '../src/control/protocol.js';
import type { CoreClient } from './client.js';
import { useCore } from './useCore.js';
import { keyToAction } from './keys.js';
import type { KeyInfo, PendingConfirm } from './keys.js';
import { Header } from './components/Header.js';
import { SymbolsTable } from './components/SymbolsTable.js';
import { Totals, totalsHeight } from './components/Totals.js';
import { ApiPanel, apiHeight } from './components/ApiPanel.js';
import { RecentFills } from './components/RecentFills.js';
import { Alerts } from './components/Alerts.js';
import { Footer } from './components/Footer.js';
import { HelpOverlay } from './components/HelpOverlay.js';
import { Banner, bannerHeight } from './components/Banner.js';
import { StatusLine } from './components/StatusLine.js';
import type { Status } from './components/StatusLine.js';
import { Rule } from './components/Line.js';

export const STATUS_MS = 4000;
/** At this width fills and alerts sit side by side. */
export const WIDE_COLUMNS = 160;
const MAX_ALERT_ROWS = 3;
/** Longest run of printable keys in one read handled as typed keys; a longer one is a paste (ignored). */
export const MAX_KEY_BURST = 8;

export interface AppProps {
  socketPath: string;
  client?: CoreClient;
  mode?: 'attach' | 'embedded';
  /** Override the terminal size (tests; otherwise stdout columns/rows, following resizes). */
  width?: number;
  height?: number;
  /** Called on q / Ctrl+C before the app exits (embedded: stops the core gracefully). */
  onQuit?: () => Promise<void> | void;
  statusMs?: number;
}

function useTerminalSize(width?: number, height?: number): { width: number; height: number } {
  const { stdout } = useStdout();
  // One line short of the terminal: an output as tall as the screen makes Ink clear and redraw the whole
  // terminal on every frame (flicker); one line less keeps it on the incremental line-diff path.
  const read = (): { width: number; height: number } => ({ width: width ?? (stdout.columns || 80), height: height ?? Math.max(12, (stdout.rows || 24) - 1) });
  const [size, setSize] = useState(read);
  useEffect(() => {
    if (width !== undefined && height !== undefined) return;
    const onResize = (): void => setSize(read());
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  });
  return width !== undefined && height !== undefined ? { width, height } : size;
}

function selectedIndex(symbols: ReadonlyArray<{ symbol: string }>, name: string | null): number {
  const i = symbols.findIndex((s) => s.symbol === name);
  return i >= 0 ? i : 0;
}

export function App(props: AppProps) {
  const mode = props.mode ?? 'attach';
  const { exit } = useApp();
  const { snapshot, conn, send } = useCore({ socketPath: props.socketPath, ...(props.client ? { client: props.client } : {}) });
  const { width, height } = useTerminalSize(props.width, props.height);

  // Key-handling state lives in a ref that the handler updates synchronously (two keys typed faster
  // than a frame, like f then y, must see each other), mirrored to the screen with a re-render.
  // Selection follows the symbol name, so it survives reorders and patches.
  const ui = useRef<{ selectedSymbol: string | null; confirm: PendingConfirm | null; helpOpen: boolean }>({ selectedSymbol: null, confirm: null, helpOpen: false });
  const [, rerender] = useReducer((x: number) => x + 1, 0);
  const [status, setStatus] = useState<Status>(null);
  const quitting = useRef(false);
  // The handler reads the snapshot the operator is looking at (the last rendered one).
  const shown = useRef<Snapshot | null>(snapshot);
  shown.current = snapshot;

  const symbols = snapshot?.symbols ?? [];
  const selected = selectedIndex(symbols, ui.current.selectedSymbol);

  // Replies fade after a few seconds; a pending confirmation stays until a key answers it.
  useEffect(() => {
    if (!status || status.kind === 'confirm' || quitting.current) return;
    const t = setTimeout(() => setStatus(null), props.statusMs ?? STATUS_MS);
    return () => clearTimeout(t);
  }, [status, props.statusMs]);

  const propsRef = useRef(props);
  propsRef.current = props;
  const quit = useCallback(async () => {
    if (quitting.current) return;
    quitting.current = true;
    if (mode === 'embedded') setStatus({ kind: 'info', text: 'stopping: cancelling orders…' });
    try {
      await propsRef.current.onQuit?.();
    } catch (err) {
      setStatus({ kind: 'error', text: `stop failed: ${err instanceof Error ? err.message : String(err)}` });
    }
    exit();
  }, [exit, mode]);

  // A stable handler (reads refs only), so Ink never holds a stale closure between frames.
  const onKey = useCallback(
    (input: string, key: KeyInfo) => {
      if (quitting.current) return;
      const snap = shown.current;
      const syms = snap?.symbols ?? [];
      const st = ui.current;
      const action = keyToAction(input, key, {
        symbols: syms,
        selected: selectedIndex(syms, st.selectedSymbol),
        globalMode: snap?.globalMode ?? null,
        confirm: st.confirm,
        helpOpen: st.helpOpen,
      });
      switch (action.type) {
        case 'none':
          return;
        case 'quit':
          void quit();
          return;
        case 'help':
          ui.current = { ...st, helpOpen: action.open };
          rerender();
          return;
        case 'select':
          ui.current = { ...st, selectedSymbol: syms[action.index]?.symbol ?? null };
          rerender();
          return;
        case 'confirm':
          ui.current = { ...st, confirm: action.confirm };
          setStatus({ kind: 'confirm', text: action.confirm.prompt });
          return;
        case 'cancel':
          ui.current = { ...st, confirm: null };
          setStatus({ kind: 'info', text: action.label });
          return;
        case 'send': {
          ui.current = { ...st, confirm: null };
          setStatus({ kind: 'info', text: `${action.label}…` });
          void send(action.cmd).then((r) => {
            // A confirmation armed meanwhile keeps the status line: the operator must see what y will do.
            if (ui.current.confirm) return;
            setStatus(r.ok ? { kind: 'ok', text: r.message || `${action.label}: done` } : { kind: 'error', text: `${action.label}: ${r.error}` });
          });
          return;
        }
      }
    },
    [quit, send],
  );
  // Ink delivers keys that arrive in one read as ONE input string ("jf"): keys typed faster than the
  // process reads them (a busy frame, or an SSH session batching keystrokes) would all be lost. A short
  // burst of printable keys is the operator typing, so each key is handled in turn; a long one is a
  // paste, and a paste must not trade, so it is ignored.
  const onInput = useCallback(
    (input: string, key: KeyInfo) => {
      if (input.length > 1 && !key.ctrl && /^[\x20-\x7e]+$/.test(input)) {
        if (input.length <= MAX_KEY_BURST) for (const ch of input) onKey(ch, {});
        return;
      }
      onKey(input, key);
    },
    [onKey],
  );
  useInput(onInput);

  const stale = conn.state !== 'connected';
  const bodyHeight = Math.max(1, height - bannerHeight(conn) - 2);
  const body = snapshot ? (
    <Dashboard snapshot={snapshot} selected={selected} width={width} height={bodyHeight} stale={stale} />
  ) : (
    <Box height={bodyHeight}>
      <Text dimColor>waiting for the core's first snapshot…</Text>
    </Box>
  );

  return (
    <Box flexDirection="column" width={width}>
      <Banner conn={conn} width={width} />
      {ui.current.helpOpen ? (
        <Box height={bodyHeight} flexDirection="column">
          <HelpOverlay width={width} mode={mode} />
        </Box>
      ) : (
        body
      )}
      <StatusLine status={status} width={width} />
      <Footer width={width} mode={mode} />
    </Box>
  );
}

/** Everything between the banner and the status line, in exactly `height` lines (or its minimum). */
export function Dashboard({ snapshot, selected, width, height, stale }: { snapshot: Snapshot; selected: number; width: number; height: number; stale: boolean }) {
  const tableRows = 1 + Math.max(1, snapshot.symbols.length);
  const fixed = 2 + 1 + tableRows + 1 + totalsHeight(snapshot, width) + apiHeight(snapshot.api, width);
  // The fills/alerts area gets what is left (at least a few lines); its own rule lines are inside it.
  const area = Math.max(3, height - fixed);
  const wide = width >= WIDE_COLUMNS;
  let bottom;
  if (wide) {
    const leftW = Math.floor(width * 0.6);
    bottom = (
      <Box flexDirection="row" width={width}>
        <Box flexDirection="column" width={leftW}>
          <Rule width={leftW - 1} title="fills" />
          <RecentFills fills={snapshot.recentFills} rows={area - 1} width={leftW - 1} />
        </Box>
        <Box flexDirection="column" width={width - leftW}>
          <Rule width={width - leftW} title="alerts" />
          <Alerts alerts={snapshot.alerts} rows={area - 1} width={width - leftW} />
        </Box>
      </Box>
    );
  } else {
    const alertRows = Math.min(MAX_ALERT_ROWS, snapshot.alerts.length, Math.max(0, area - 3));
    const fillRows = area - 1 - (alertRows > 0 ? alertRows + 1 : 0);
    bottom = (
      <>
        <Rule width={width} title="fills" />
        <RecentFills fills={snapshot.recentFills} rows={fillRows} width={width} />
        {alertRows > 0 ? (
          <>
            <Rule width={width} title="alerts" />
            <Alerts alerts={snapshot.alerts} rows={alertRows} width={width} />
          </>
        ) : null}
      </>
    );
  }
  return (
    <Box flexDirection="column" width={width}>
      <Header snapshot={snapshot} width={width} />
      <Rule width={width} />
      <SymbolsTable symbols={snapshot.symbols} selected={selected} width={width} stale={stale} />
      <Rule width={width} />
      <Totals snapshot={snapshot} width={width} />
      <ApiPanel api={snapshot.api} width={width} />
      {bottom}
    </Box>
  );
}
