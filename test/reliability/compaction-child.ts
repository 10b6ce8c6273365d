// Child process of compaction-kill9.test.ts: a real Engine (over the fake port, virtual time) on a real
// FileJournal, taking a stream of fills while it compacts every 150 records and backfills another
// market's history; prints `ack <n>` once fill n's journal write returned. With a step name and a count
// it kills itself (SIGKILL) right after that step of that compaction; without, the parent kills it.
//   node --import tsx test/reliability/compaction-child.ts HOME [STEP N]
import { writeSync } from 'node:fs';
import { FileJournal } from '../../src/runtime/journal.js';
import type { CompactionStep } from '../../src/runtime/journal-checkpoint.js';
import { fillEvent, makeHarness, settle } from '../core/helpers/harness.js';
import { childFill, childHistory, CHILD_FILLS, CHILD_SETTINGS } from './compaction-fixture.js';

const [home, step, nth] = process.argv.slice(2) as [string, CompactionStep | undefined, string | undefined];
let compactions = 0;
const journal = FileJournal.inHome(home, {
  crashPoint: (s) => {
    if (s === 'rotated') compactions++;
    if (s === step && compactions === Number(nth)) process.kill(process.pid, 'SIGKILL');
  },
});
const h = makeHarness(CHILD_SETTINGS, { sink: journal });
h.port.fills = childHistory();
h.port.pageHeaders = true;
await h.engine.start();
for (let i = 0; i < CHILD_FILLS; i++) {
  const f = childFill(i);
  h.port.emit(fillEvent({ symbol: f.symbol, orderId: f.orderId, clientId: null, side: f.side, price: f.price, quantity: f.quantity }, { tradeId: f.tradeId, qty: f.quantity, price: f.price, fee: f.fee }, f.quantity, f.timestamp));
  writeSync(1, `ack ${i}\n`);
  if (i % 5 === 4) {
    h.clock.advance(250);
    await settle();
  }
}
writeSync(1, 'done\n');
process.exit(0);
