import './forceColor.js'; // must be first: colours are asserted below
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import type { ReactElement } from 'react';
import { renderAt, strip } from './render.js';
import type { Rendered } from './render.js';
import { fixtureSnapshot, symbolView, T0 } from './fixtures.js';
import { Header } from '../../ui/components/Header.js';
import { SymbolsTable, visibleColumns } from '../../ui/components/SymbolsTable.js';
import { Totals } from '../../ui/components/Totals.js';
import { ApiPanel } from '../../ui/components/ApiPanel.js';
import { RecentFills } from '../../ui/components/RecentFills.js';
import { Alerts } from '../../ui/components/Alerts.js';
import { Footer } from '../../ui/components/Footer.js';
import { HelpOverlay } from '../../ui/components/HelpOverlay.js';
import { Banner } from '../../ui/components/Banner.js';
import { StatusLine } from '../../ui/components/StatusLine.js';
import { Dashboard } from '../../ui/App.js';
import { describeError } from '../../ui/client.js';
import type { ConnInfo } from '../../ui/client.js';

const open: Rendered[] = [];
after(() => open.forEach((r) => r.unmount()));

/** Render and return the (synchronously produced) first frame, raw with ANSI codes. */
function frame(tree: ReactElement, columns = 100, rows = 40): string {
  const r = renderAt(tree, columns, rows);
  open.push(r);
  return r.lastFrame();
}
const lines = (f: string): string[] => strip(f).split('\n');
// chalk (level 1, FORCE_COLOR=1) codes: fg 31 red, 32 green, 33 yellow, 36 cyan; bg 41 red, 44 blue.
const RED = '\u001B[31m';
const GREEN = '\u001B[32m';
const YELLOW = '\u001B[33m';

test('colour is on in these tests (otherwise colour assertions below would be vacuous)', () => {
  assert.ok(frame(<StatusLine status={{ kind: 'ok', text: 'x' }} width={40} />).includes(GREEN));
});

test('Header: PAPER vs LIVE badge, mode, equity, uptime, forcing, link health', () => {
  const paper = frame(<Header snapshot={fixtureSnapshot()} width={80} />, 80);
  const text = strip(paper);
  assert.match(text, / PAPER /);
  assert.doesNotMatch(text, /LIVE/);
  assert.ok(paper.includes('\u001B[44m'), 'PAPER on a blue background');
  assert.match(text, /ACTIVE/);
  assert.match(text, /equity 10,234\.56/);
  assert.match(text, /up 3h12m/);
  assert.match(text, /inventory forcing ON/);
  assert.match(text, /WS ● ok/);
  assert.match(text, /REST ● 120\/600\/min/);

  const live = frame(<Header snapshot={fixtureSnapshot({ runMode: 'live', globalMode: 'HALTED', forceInventory: false })} width={80} />, 80);
  assert.match(strip(live), / LIVE /);
  assert.ok(live.includes('\u001B[41m'), 'LIVE on a red background');
  assert.match(strip(live), /HALTED/);
  assert.ok(live.includes(RED + '\u001B[1mHALTED') || live.includes('\u001B[1m' + RED + 'HALTED') || /\u001B\[31m[^\u001B]*(\u001B\[1m)?HALTED/.test(live), 'HALTED is red');
  assert.match(strip(live), /inventory forcing OFF/);

  const stale = strip(frame(<Header snapshot={fixtureSnapshot({ api: { ...fixtureSnapshot().api, lastMessageAgoMs: 12_000 } })} width={100} />));
  assert.match(stale, /WS ● stale 12s/);
  const down = strip(frame(<Header snapshot={fixtureSnapshot({ api: { ...fixtureSnapshot().api, wsConnected: false } })} width={100} />));
  assert.match(down, /WS ● down/);
});

test('SymbolsTable at 80 columns: essentials only, one row per symbol, nothing wider than 80', () => {
  const s = fixtureSnapshot();
  const f = lines(frame(<SymbolsTable symbols={s.symbols} selected={0} width={80} />, 80));
  assert.ok(f.every((l) => l.length <= 80), 'no line exceeds the width');
  const head = f[0]!;
  for (const col of ['SYMBOL', 'MODE', 'SIDE', 'ORDER', 'POS', 'UPNL', 'VOL']) assert.ok(head.includes(col), `narrow has ${col}`);
  for (const col of ['BID', 'ASK', 'ENTRY', 'NOTIONAL', 'RPNL', 'M/T']) assert.ok(!head.includes(col), `narrow drops ${col}`);
  const sol = f.find((l) => l.includes('SOL_USDC_PERP'))!;
  assert.match(sol, /^› /, 'selected row is marked');
  assert.match(sol, /Bid inv/);
  assert.match(sol, /Bid 180\.40×0\.27 R/, 'reduce-only order carries R');
  assert.match(sol, /-0\.27/);
  assert.match(sol, /\+0\.04/);
  assert.match(sol, /1\.23M/);
  const btc = f.find((l) => l.includes('BTC_USDC_PERP'))!;
  assert.match(btc, /^ {2}BTC/);
  assert.match(btc, /PAUSED/);
  assert.match(btc, /-3\.50/);
});

test('SymbolsTable at 200 columns: the extra columns appear with their values', () => {
  const s = fixtureSnapshot();
  const f = lines(frame(<SymbolsTable symbols={s.symbols} selected={1} width={200} />, 200));
  const head = f[0]!;
  for (const col of ['IMB', 'BID', 'ASK', 'NOTIONAL', 'ENTRY', 'RPNL', 'FEES', 'M/T', 'HELD', 'WHY']) assert.ok(head.includes(col), `wide has ${col}`);
  const sol = f.find((l) => l.includes('SOL_USDC_PERP'))!;
  assert.match(sol, /180\.49\s+180\.50/);
  assert.match(sol, /-48\.73/);
  assert.match(sol, /180\.55/);
  assert.match(sol, /12\/1/);
  assert.match(sol, /42s/);
  assert.match(sol, /1\.42/);
  const btc = f.find((l) => l.includes('BTC_USDC_PERP'))!;
  assert.match(btc, /^› /);
  assert.match(btc, /operator/);
  // Column positions do not depend on data: the header's POS ends where each row's position ends.
  const posEnd = head.indexOf('POS') + 3;
  assert.equal(sol.slice(posEnd - 5, posEnd), '-0.27');
});

test('visibleColumns depends only on the width (stable layout) and never overflows', () => {
  for (const w of [60, 80, 100, 120, 160, 200]) {
    const cols = visibleColumns(w, 13);
    const used = 2 + cols.reduce((n, c) => n + c.width, 0) + (cols.length - 1);
    assert.ok(used <= w, `width ${w}: used ${used}`);
    assert.deepEqual(visibleColumns(w, 13).map((c) => c.id), cols.map((c) => c.id));
  }
  assert.ok(visibleColumns(80, 13).length < visibleColumns(200, 13).length);
});

test('Totals: volumes, PnL with signs and colours, cost per $1M, tier bar with ETA and sparkline', () => {
  const raw = frame(<Totals snapshot={fixtureSnapshot()} width={80} />, 80);
  const t = strip(raw);
  assert.match(t, /vol today\s+1\.33M/);
  assert.match(t, /30d\s+45\.60M/);
  assert.match(t, /net\s+-19\.13/);
  assert.match(t, /realized\s+-10\.00/);
  assert.match(t, /unreal\s+-3\.46/);
  assert.match(t, /fees\s+5\.67/);
  assert.match(t, /\$\/1M\s+14(?!\.)/); // whole dollars, no sign: a cost
  assert.match(t, /success\s+98\.2%/);
  assert.match(t, /L\/S\s+1\.05/);
  assert.match(t, /maxDD\s+-20\.50/);
  assert.match(t, /tier VIP1 → VIP2 █+░+ 45\.0%\s+to go 4\.40M\s+ETA 3d4h/);
  assert.match(t, /net pnl [▁▂▃▄▅▆▇█]{11}/);
  assert.ok(/\u001B\[31m[^\u001B]*-19\.13/.test(raw.replace(/\u001B\[1m/g, '')), 'negative net PnL is red');
  assert.ok(lines(raw).every((l) => l.length <= 80));

  const top = strip(frame(<Totals snapshot={fixtureSnapshot({ tier: { ...fixtureSnapshot().tier, next: null, nextThreshold: null, etaMs: null } })} width={80} />, 80));
  assert.match(top, /top tier reached/);
});

test('ApiPanel gauge turns yellow at 50% and red at 80% of the REST limit', () => {
  const api = fixtureSnapshot().api;
  const gaugeRun = (restLastMinute: number): string => {
    const raw = frame(<ApiPanel api={{ ...api, restLastMinute }} width={100} />);
    const m = /(\u001B\[\d+m)█/.exec(raw);
    return m?.[1] ?? 'none';
  };
  assert.equal(gaugeRun(120), GREEN);
  assert.equal(gaugeRun(300), YELLOW);
  assert.equal(gaugeRun(480), RED);
  const t = strip(frame(<ApiPanel api={{ ...api, restLastMinute: 480, http429: 3 }} width={100} />));
  assert.match(t, /480\/600 80%/);
  assert.match(t, /WS\/min\s+850/);
  assert.match(t, /WS\/API\s+7\.1/);
  assert.match(t, /429s\s+3/);
  assert.match(t, /reconn\s+1/);
  assert.equal(lines(frame(<ApiPanel api={api} width={80} />, 80)).length, 1, 'one line at 80 columns');
});

test('RecentFills: newest first, bounded, padded to a fixed height', () => {
  const s = fixtureSnapshot();
  const f = lines(frame(<RecentFills fills={s.recentFills} rows={5} width={80} />, 80));
  assert.equal(f.length, 5);
  assert.match(f[0]!, /sell 0\.27 @ 180\.55\s+maker/);
  assert.match(f[1]!, /buy {2}0\.27 @ 180\.30\s+taker R/);
  assert.match(f[1]!, /pnl\s+\+0\.07/);
  const one = lines(frame(<RecentFills fills={s.recentFills} rows={1} width={80} />, 80));
  assert.equal(one.length, 1);
  assert.match(one[0]!, /180\.55/, 'the newest one is kept');
  assert.match(strip(frame(<RecentFills fills={[]} rows={2} width={80} />, 80)), /no fills yet/);
});

test('Alerts: active first and highlighted, cleared ones dimmed', () => {
  const s = fixtureSnapshot();
  const alerts = [...s.alerts, { id: 'a3', kind: 'loss', level: 'critical' as const, message: 'session loss limit hit', active: true, raisedAt: T0 + 2000, clearedAt: null }];
  const raw = frame(<Alerts alerts={alerts} rows={5} width={100} />);
  const f = lines(raw);
  assert.match(f[0]!, /● CRIT .*session loss limit hit/);
  assert.match(f[1]!, /● WARN .*inventory held 42s/);
  assert.match(f[2]!, /○ ok .*market stream silent/);
  assert.ok(/\u001B\[31m[^\n]*session loss limit hit/.test(raw), 'critical alert is red');
  assert.ok(raw.includes('\u001B[2m○ ok'), 'cleared alert is dim');
  assert.equal(lines(frame(<Alerts alerts={alerts} rows={1} width={100} />)).length, 1);
});

test('Banner explains each connection state with the path and the fix', () => {
  const path = '/home/op/.tierhunter/run/core.sock';
  const conn = (state: ConnInfo['state'], extra: Partial<ConnInfo> = {}): ConnInfo => ({ state, path, detail: null, hint: null, attempts: 0, ...extra });
  assert.equal(strip(frame(<Banner conn={conn('connected')} width={100} />)).trim(), '');
  const missing = describeError(Object.assign(new Error('x'), { code: 'ENOENT' }), path, false);
  assert.equal(missing.state, 'missing');
  const m = strip(frame(<Banner conn={conn('missing', missing)} width={100} />));
  assert.match(m, new RegExp(`core not running — waiting for ${path}`));
  assert.match(m, /fix: start the core/);
  const denied = describeError(Object.assign(new Error('x'), { code: 'EACCES' }), path, false);
  assert.equal(denied.state, 'denied');
  const d = strip(frame(<Banner conn={conn('denied', denied)} width={120} />, 120));
  assert.match(d, new RegExp(`permission denied on ${path}`));
  assert.match(d, /fix: attach as the user that runs the core/);
  assert.equal(describeError(Object.assign(new Error('x'), { code: 'ENOENT' }), path, true).state, 'reconnecting');
  assert.equal(describeError(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }), path, false).state, 'missing');
  const r = strip(frame(<Banner conn={conn('reconnecting', { attempts: 3, detail: 'core said bye: shutdown' })} width={100} />));
  assert.match(r, /reconnecting… to .* \(attempt 3\)/);
  assert.match(r, /core said bye: shutdown/);
});

test('Footer legend fits 80 columns and always keeps help and quit; HelpOverlay lists every key', () => {
  const f80 = strip(frame(<Footer width={80} mode="attach" />, 80));
  assert.ok(f80.trimEnd().length <= 80);
  assert.match(f80, /\? help/);
  assert.match(f80, /q detach/);
  assert.match(strip(frame(<Footer width={30} mode="embedded" />, 30)), /q quit/);
  const help = strip(frame(<HelpOverlay width={100} mode="embedded" />));
  for (const k of ['p ', 'P ', 'f ', 'F ', 'i ', 'l ', 'j k', '?', 'Ctrl+C']) assert.ok(help.includes(k), `help mentions ${k}`);
  assert.match(help, /stop the core, cancel orders/);
});

test('Dashboard fills exactly the given height at 80x22 and at 200x40', () => {
  for (const [w, h] of [
    [80, 22],
    [200, 40],
  ] as const) {
    const f = lines(frame(<Dashboard snapshot={fixtureSnapshot()} selected={0} width={w} height={h} stale={false} />, w, h));
    assert.equal(f.length, h, `${w}x${h}`);
    assert.ok(f.every((l) => l.length <= w));
  }
  // A new fill does not change the number of lines (nothing below moves).
  const more = fixtureSnapshot();
  more.recentFills = [{ ...more.recentFills[0]!, ts: T0 + 9000 }, ...more.recentFills];
  assert.equal(lines(frame(<Dashboard snapshot={more} selected={0} width={80} height={22} stale={false} />, 80, 22)).length, 22);
  // Many symbols: still renders each one.
  const many = fixtureSnapshot({ symbols: ['A', 'B', 'C', 'D', 'E', 'F'].map((x) => symbolView({ symbol: `${x}_USDC_PERP` })) });
  const t = strip(frame(<Dashboard snapshot={many} selected={0} width={80} height={24} stale={false} />, 80, 24));
  for (const x of ['A', 'B', 'C', 'D', 'E', 'F']) assert.match(t, new RegExp(`${x}_USDC_PERP`));
});
