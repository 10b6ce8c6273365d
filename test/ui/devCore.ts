// Development aid (not a test): a real ControlServer serving the fixture snapshot with a moving PnL, so
// the dashboard can be tried without an exchange:
//   node --import tsx test/ui/devCore.ts /tmp/x/core.sock   and   npm run attach -- --socket /tmp/x/core.sock
import { ControlServer } from '../../src/control/server.js';
import { fixtureSnapshot } from './fixtures.js';
const socketPath = process.argv[2]!;
let snap = fixtureSnapshot();
let i = 0;
const srv = await ControlServer.listen({
  socketPath,
  coreVersion: '0.1.0',
  getSnapshot: () => snap,
  handleCommand: async (cmd) => {
    if (cmd.name === 'pause' && cmd.symbol) snap = { ...snap, symbols: snap.symbols.map((s) => (s.symbol === cmd.symbol ? { ...s, mode: 'PAUSED', order: null } : s)) };
    if (cmd.name === 'flush') return { ok: true, message: `stats written to ${snap.logFile}` };
    if (cmd.name === 'forceInventory') { snap = { ...snap, forceInventory: !snap.forceInventory }; return { ok: true, message: `inventory forcing ${snap.forceInventory ? 'ON' : 'OFF'}` }; }
    srv.notifyChanged();
    return { ok: true, message: `${cmd.name} ${cmd.symbol ?? 'all'} ok` };
  },
});
setInterval(() => {
  i++;
  snap = { ...snap, now: snap.now + 1000, totals: { ...snap.totals, netPnl: `-${(19 + i / 100).toFixed(2)}` }, pnlHistory: [...snap.pnlHistory, Math.sin(i / 3) * 5].slice(-60) };
  srv.notifyChanged();
}, 50);
process.on('SIGTERM', () => void srv.close().then(() => process.exit(0)));
