// A checkpoint restores exactly what a replay of the whole journal builds: replay-all vs checkpoint + tail
// give byte-identical `stats` JSON, identical ledgers, trade-id dedupe, tier volume buckets and history
// cursors, and behave the same afterwards (a re-delivered old fill is ignored by both, a new one counted
// the same). A damaged checkpoint stops the replay loudly (REDUCING) instead of restoring wrong figures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Settings } from '../../src/config/settings.js';
import type { JournalFill } from '../../src/core/ports.js';
import type { Position } from '../../src/domain/position.js';
import { D, type Decimal } from '../../src/util/decimal.js';
import { bookEvent, CheckpointMemJournal, fillEvent, makeHarness, MemJournal, settle, T0, type Harness } from './helpers/harness.js';
import { perpMarket } from './helpers/fake-port.js';
import { GEN_SYMBOLS, genJournal, positionsAfter } from './helpers/journal-gen.js';

const N = 30_000;

function harness(journal: MemJournal, positions: Map<string, Decimal>, over: Partial<Settings> = {}): Harness {
  const h = makeHarness({ symbols: GEN_SYMBOLS, ...over }, { journal });
  h.port.markets = GEN_SYMBOLS.map((s) => perpMarket(s, s.startsWith('ETH') ? { stepSize: D('0.0001'), minQuantity: D('0.0001') } : {}));
  // The exchange agrees with the journal (no position is adopted, which would change the ledgers).
  h.port.positions = [...positions].map(([symbol, q]): Position => ({ symbol, netQuantity: q, entryPrice: D(100), markPrice: D(symbol.startsWith('ETH') ? 3500 : 180), pnlRealized: D(0), pnlUnrealized: D(0), cumulativeFunding: D(0) }));
  return h;
}

async function stats(h: Harness): Promise<string> {
  const r = await h.engine.command({ name: 'stats' });
  assert.ok(r.ok);
  return JSON.stringify(r.data);
}

test('replay-all and checkpoint + tail give byte-identical stats, dedupe, tier buckets and cursors', async () => {
  const recs = genJournal(N, 7, T0);
  const final = positionsAfter(recs, recs.length);
  for (const cut of [Math.floor(recs.length * 0.37), Math.floor(recs.length * 0.9)]) {
    // A: the whole journal, replayed.
    const a = harness(Object.assign(new MemJournal(), { records: recs.slice() }), final);
    await a.engine.start();
    // C: a core that ran until `cut`, then checkpointed at its shutdown; B: the next start, from the
    // checkpoint and the records written after it.
    const j = new CheckpointMemJournal();
    j.records = recs.slice(0, cut);
    const c = harness(j, positionsAfter(recs, cut));
    await c.engine.start();
    await c.engine.stop();
    assert.equal(j.compactions, 1, 'the shutdown checkpointed the journal');
    assert.equal(j.records.length, 0, 'the checkpoint covers every record');
    j.records = recs.slice(cut);
    const b = harness(j, final);
    await b.engine.start();

    assert.equal(await stats(b), await stats(a), `stats JSON, cut at ${cut}`);
    assert.deepEqual(b.engine.view.stats.state(), a.engine.view.stats.state(), 'ledgers and counted trade ids');
    // As written to disk (a restored bucket stays a string until used; a replayed one is a Decimal).
    assert.equal(JSON.stringify(b.engine.view.history.state()), JSON.stringify(a.engine.view.history.state()), 'tier volume buckets, other markets counted, cursors');
    assert.equal(b.engine.view.tier().volume30d.toString(), a.engine.view.tier().volume30d.toString());
    assert.ok(a.engine.view.stats.figures().fills > 20_000 && a.engine.view.stats.figures().trips > 1000, 'a journal with many fills and round trips');

    // The same events afterwards: an old fill re-delivered (below the dedupe's recent window) and a new one.
    const oldFill = recs.find((r) => r.kind === 'fill' && r.symbol === 'SOL_USDC_PERP')!;
    for (const h of [a, b]) {
      for (const [tradeId, qty] of [[oldFill.tradeId, '0.27'], ['99999999', '0.31']] as const) {
        h.port.emit(fillEvent({ symbol: 'SOL_USDC_PERP', orderId: 'x', clientId: null, side: 'Ask', price: D(181), quantity: D(qty) }, { tradeId, qty, price: '181.5', fee: '0.01' }, D(qty), h.clock.now()));
      }
      await settle();
    }
    assert.equal(await stats(b), await stats(a), 'and the same after more fills');
    await a.engine.stop();
    await b.engine.stop();
  }
});

test('a damaged checkpoint is refused loudly: journal alert, REDUCING, nothing restored', async () => {
  const j = new CheckpointMemJournal();
  const recs = genJournal(2000, 3, T0);
  j.records = recs;
  const c = harness(j, positionsAfter(recs, recs.length));
  await c.engine.start();
  await c.engine.stop();
  const cp = j.checkpoint as { stats: { ledgers: Array<{ decimals: Record<string, unknown> }> } };
  cp.stats.ledgers[0]!.decimals['fees'] = 'lots';
  const h = harness(j, new Map());
  await h.engine.start();
  assert.ok(h.logger.lines.some((l) => l.includes('checkpoint: stats.ledgers[0].decimals.fees is not a decimal')), h.logger.lines.join(' / '));
  assert.equal(h.engine.view.journalUnreadable, true);
  h.port.emit(bookEvent(h.book));
  assert.equal(h.engine.snapshot().symbols[0]!.mode, 'REDUCING', 'and stays so after the journal was written to');
  assert.equal(h.engine.snapshot().symbols[0]!.modeReason, 'journal unreadable');
  assert.deepEqual(h.port.calls.filter((c) => c.m === 'getFills'), [], 'no account history read as ours');
  assert.ok(h.engine.view.alerts.active().some((a) => a.message.includes('fill journal unreadable')));
  assert.equal(h.engine.view.stats.figures().fills, 0);
});

test('compaction runs past journalCompactRecords (off the hot path), never while records wait in memory', async () => {
  const j = new CheckpointMemJournal();
  const h = harness(j, new Map(), { journalCompactRecords: 100 });
  await h.engine.start();
  const emit = (i: number) => h.port.emit(fillEvent({ symbol: 'SOL_USDC_PERP', orderId: 'o', clientId: null, side: i % 2 ? 'Ask' : 'Bid', price: D(180), quantity: D('0.27') }, { tradeId: String(5000 + i), qty: '0.27' }, D('0.27'), h.clock.now()));
  // The first start wrote one record (the backfill's start); 98 fills make 99: below the threshold.
  for (let i = 0; i < 98; i++) emit(i);
  h.clock.advance(1000);
  await settle();
  assert.equal(j.compactions, 0, 'below the threshold');
  emit(98);
  j.failing = true;
  emit(99);
  h.clock.advance(1000);
  await settle();
  assert.equal(j.compactions, 0, 'not while a record is held in memory (it would be counted twice)');
  j.failing = false;
  h.clock.advance(1000);
  await settle();
  h.clock.advance(1000);
  await settle();
  assert.equal(j.compactions, 1);
  assert.equal(j.records.length, 0);
  assert.equal(h.engine.view.stats.figures().fills, 100);
  // Restart from it: the same ledgers, counted ids and tier volume.
  const again = harness(j, new Map([['SOL_USDC_PERP', h.engine.view.stats.ledger('SOL_USDC_PERP').position]]));
  await again.engine.start();
  assert.deepEqual(again.engine.view.stats.state(), h.engine.view.stats.state());
  assert.equal(JSON.stringify(again.engine.view.history.state()), JSON.stringify(h.engine.view.history.state()));
});

// Records of the journal generator are plain JSON: a sanity check that they round-trip (the checkpoint
// test above would otherwise compare nothing interesting).
test('the generated journal has every record kind', () => {
  const kinds = new Set(genJournal(3000, 1, T0).map((r: JournalFill) => r.kind));
  assert.deepEqual([...kinds].sort(), ['backfill', 'fill', 'funding', 'volume']);
});
