// The dashboard container: gets state from useCore (the only I/O), turns keys into actions with the
// pure keyToAction, and lays the panels out in a FIXED number of lines for the terminal size so the
// screen stays still while numbers change.
import { useCallback, useEffect, useRef, useState } from 'react';
import { Box, Text, useApp, useInput, useStdout } from 'ink';
import type { Snapshot } from '../src/control/protocol.js';
import type { CoreClient } from './client.js';
import { useCore } from './useCore.js';
import { keyToAction } from './keys.js';
import type { PendingConfirm } from './keys.js';
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
  const read = (): { width: number; height: number } => ({ width: width ?? (stdout.columns || 80), height: height ?? (stdout.rows || 24) });
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

export function App(props: AppProps) {
  const mode = props.mode ?? 'attach';
  const { exit } = useApp();
  const { snapshot, conn, send } = useCore({ socketPath: props.socketPath, ...(props.client ? { client: props.client } : {}) });
  const { width, height } = useTerminalSize(props.width, props.height);

  // Selection follows the symbol name, so it survives reorders and patches.
  const [selectedSymbol, setSelectedSymbol] = useState<string | null>(null);
  const [confirm, setConfirm] = useState<PendingConfirm | null>(null);
  const [helpOpen, setHelpOpen] = useState(false);
  const [status, setStatus] = useState<Status>(null);
  const quitting = useRef(false);

  const symbols = snapshot?.symbols ?? [];
  const foundIdx = symbols.findIndex((s) => s.symbol === selectedSymbol);
  const selected = foundIdx >= 0 ? foundIdx : 0;

  // Replies fade after a few seconds; a pending confirmation stays until a key answers it.
  useEffect(() => {
    if (!status || status.kind === 'confirm' || quitting.current) return;
    const t = setTimeout(() => setStatus(null), props.statusMs ?? STATUS_MS);
    return () => clearTimeout(t);
  }, [status, props.statusMs]);

  const quit = useCallback(async () => {
    if (quitting.current) return;
    quitting.current = true;
    if (mode === 'embedded') setStatus({ kind: 'info', text: 'stopping: cancelling orders…' });
    try {
      await props.onQuit?.();
    } catch (err) {
      setStatus({ kind: 'error', text: `stop failed: ${err instanceof Error ? err.message : String(err)}` });
    }
    exit();
  }, [exit, mode, props]);

  useInput((input, key) => {
    if (quitting.current) return;
    const action = keyToAction(input, key, {
      symbols,
      selected,
      globalMode: snapshot?.globalMode ?? null,
      confirm,
      helpOpen,
    });
    switch (action.type) {
      case 'none':
        return;
      case 'quit':
        void quit();
        return;
      case 'help':
        setHelpOpen(action.open);
        return;
      case 'select':
        setSelectedSymbol(symbols[action.index]?.symbol ?? null);
        return;
      case 'confirm':
        setConfirm(action.confirm);
        setStatus({ kind: 'confirm', text: action.confirm.prompt });
        return;
      case 'cancel':
        setConfirm(null);
        setStatus({ kind: 'info', text: action.label });
        return;
      case 'send': {
        setConfirm(null);
        setStatus({ kind: 'info', text: `${action.label}…` });
        void send(action.cmd).then((r) => {
          setStatus(r.ok ? { kind: 'ok', text: r.message || `${action.label}: done` } : { kind: 'error', text: `${action.label}: ${r.error}` });
        });
        return;
      }
    }
  });

  const stale = conn.state !== 'connected';
  const body = snapshot ? (
    <Dashboard snapshot={snapshot} selected={selected} width={width} height={height - bannerHeight(conn) - 2} stale={stale} />
  ) : (
    <Box height={Math.max(1, height - bannerHeight(conn) - 2)}>
      <Text dimColor>waiting for the core's first snapshot…</Text>
    </Box>
  );

  return (
    <Box flexDirection="column" width={width}>
      <Banner conn={conn} width={width} />
      {helpOpen ? <HelpOverlay width={width} mode={mode} /> : body}
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
