// The one hook with I/O: it owns the CoreClient, folds hello/snapshot/patch messages into the latest
// Snapshot with the protocol's pure applyMessage, and hands React a new state at most every
// FRAME_MS however fast the core pushes (the core already limits itself to ~10/s, but a reconnect
// burst or a chatty core must not make the terminal flicker).
import { useCallback, useEffect, useRef, useState } from 'react';
import { applyMessage } from '../src/control/protocol.js';
import type { CommandReply, Snapshot } from '../src/control/protocol.js';
import { CoreClient } from './client.js';
import type { CommandSpec, ConnInfo } from './client.js';

export const FRAME_MS = 100;

export interface CoreState {
  snapshot: Snapshot | null;
  conn: ConnInfo;
  send: (cmd: CommandSpec) => Promise<CommandReply>;
}

export interface UseCoreOptions {
  socketPath: string;
  /** Inject a client (tests, or a caller that wants to share one); otherwise one is created and owned here. */
  client?: CoreClient;
}

interface View {
  snapshot: Snapshot | null;
  conn: ConnInfo;
}

export function useCore({ socketPath, client: injected }: UseCoreOptions): CoreState {
  const clientRef = useRef<CoreClient | null>(null);
  if (clientRef.current === null) clientRef.current = injected ?? new CoreClient({ socketPath });
  const client = clientRef.current;

  const [view, setView] = useState<View>(() => ({ snapshot: null, conn: client.conn }));
  // Latest state lives in refs; React only sees it on the frame timer.
  const latest = useRef<View>(view);
  const timer = useRef<NodeJS.Timeout | null>(null);
  const lastFlush = useRef(0);

  useEffect(() => {
    let alive = true;
    const flush = (): void => {
      timer.current = null;
      if (!alive) return;
      lastFlush.current = Date.now();
      setView(latest.current);
    };
    const schedule = (): void => {
      if (timer.current) return;
      const wait = Math.max(0, lastFlush.current + FRAME_MS - Date.now());
      timer.current = setTimeout(flush, wait);
    };
    const onMessage = (msg: Parameters<typeof applyMessage>[1]): void => {
      const next = applyMessage(latest.current.snapshot, msg);
      if (next === latest.current.snapshot) return;
      latest.current = { ...latest.current, snapshot: next };
      schedule();
    };
    const onConn = (conn: ConnInfo): void => {
      latest.current = { ...latest.current, conn };
      schedule();
    };
    client.on('message', onMessage);
    client.on('conn', onConn);
    if (!injected) client.start();
    return () => {
      alive = false;
      client.off('message', onMessage);
      client.off('conn', onConn);
      if (timer.current) clearTimeout(timer.current);
      timer.current = null;
      if (!injected) client.stop();
    };
  }, [client, injected]);

  const send = useCallback((cmd: CommandSpec) => client.send(cmd), [client]);
  return { snapshot: view.snapshot, conn: view.conn, send };
}
