// Test helpers for the control socket: a minimal valid Snapshot and a private temp dir.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Snapshot } from '../../src/control/protocol.js';

export function makeSnapshot(over: Partial<Snapshot> = {}): Snapshot {
  return {
    coreVersion: '0.0.0-test',
    runMode: 'paper',
    exchangeHost: '127.0.0.1:0',
    pid: 1,
    startedAt: 1_700_000_000_000,
    now: 1_700_000_000_000,
    globalMode: 'ACTIVE',
    forceInventory: true,
    symbols: [],
    totals: {
      fills: 0, makerFills: 0, takerFills: 0, volume: '0', makerVolume: '0', takerVolume: '0', volumeToday: '0', volume30d: '0',
      realizedPnl: '0', unrealizedPnl: '0', funding: '0', fees: '0', netPnl: '0', costPerMillion: null, successRate: null,
      longShortRatio: null, maxDrawdown: '0', winRate: null, failedOrders: 0, equity: null,
    },
    tier: { current: 'VIP0', next: 'VIP1', volume30d: '0', nextThreshold: '1000000', progress: 0, etaMs: null, makerFeeBps: '2', takerFeeBps: '5' },
    api: {
      restLastMinute: 0, restLimit: 2000, restTotal: 0, wsLastMinute: 0, wsTotal: 0, wsApiRatio: null, http429: 0, reconnects: 0,
      wsConnected: true, lastMessageAgoMs: null, restErrors: 0, parseErrors: 0,
    },
    pnlHistory: [],
    recentFills: [],
    alerts: [],
    limits: { session: { limit: '100', pnl: '0', hit: false, hitAt: null }, daily: { limit: '300', pnl: '0', hit: false, hitAt: null }, day: '2025-06-15' },
    logFile: '/tmp/log.txt',
    ...over,
  };
}

/** A short temp dir (Unix socket paths are limited to ~104 bytes). */
export function tempDir(prefix = 'th-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
