// Latency in the replay exchange: an order reaches the venue an entry latency after it was sent and meets
// the book as it is then; the answer and the order updates come back a response latency later; market data
// reaches the engine a feed latency after the venue saw it (a setting, or from the tape's own timestamps).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ExchangeEvent, Outcome } from '../../src/exchange/types.js';
import type { OrderInfo } from '../../src/domain/order.js';
import { D } from '../../src/util/decimal.js';
import { diff, exchangeOver, ms, snap, tempDir, trade, writeTape } from './helpers.js';

const SYM = 'TEST_USDC_PERP';
const dir = tempDir('th-replay-lat-');

/** Book bid 100.00 / ask 100.10; at 100 ms the 100.10 ask goes and 100.20 becomes the best ask. */
async function askMoves(exch: (localUs: number) => number | null = () => null): Promise<string> {
  const at = (n: number) => ({ localUs: ms(n), exchUs: exch(ms(n)) });
  return writeTape(dir, `ask-moves-${Math.random().toString(36).slice(2)}.tape.gz`, [
    { ...snap(0, 10, [10000, 5000], [10010, 5000]), ...at(0) },
    { ...trade(0, 10000, 'sell'), ...at(10) },
    { ...diff(0, 11, 11, [], [10010, 0, 10020, 4000]), ...at(100) },
    { ...trade(0, 10020, 'buy'), ...at(300) },
    { ...trade(0, 10000, 'sell'), ...at(1000) },
  ]);
}

/** Run `fn` on the replay clock at tape time `n` ms. */
function at(clock: { now(): number; setTimeout(fn: () => void, ms: number): unknown }, n: number, fn: () => void): void {
  clock.setTimeout(fn, ms(n) / 1000 - clock.now());
}

const bid = (price: string, clientId: number) => ({ symbol: SYM, side: 'Bid' as const, orderType: 'Limit' as const, price: D(price), quantity: D('1'), postOnly: true, clientId });

test('entry latency: the order meets the book as it is when it arrives, not when it was sent', async () => {
  const tape = await askMoves();
  // Sent at 98 ms: with 5 ms it arrives at 103 ms, after the 100.10 ask left, so a post-only bid there rests.
  for (const [entryMs, want] of [
    [5, 'accepted'],
    [1, 'rejected'],
  ] as const) {
    const { x, clock } = await exchangeOver([tape], { latency: { entryMs, responseMs: 3 } });
    let out: Outcome<OrderInfo> | null = null;
    let answeredAt = 0;
    at(clock, 98, () => {
      void x.placeOrder(bid('100.10', 1)).then((o) => {
        out = o;
        answeredAt = clock.now();
      });
    });
    await x.run();
    const o = out as Outcome<OrderInfo> | null;
    assert.equal(o?.kind, want, `entry ${entryMs} ms`);
    if (o?.kind === 'rejected') assert.equal(o.message, 'Order would immediately match and take');
    // Response latency: answered 3 ms after arrival.
    assert.ok(Math.abs(answeredAt - (ms(98) / 1000 + entryMs + 3)) < 1e-6, `answered at +${answeredAt - ms(98) / 1000} ms`);
  }
});

test('response latency: order updates reach the engine a response latency after the venue acted, before the answer', async () => {
  const tape = await askMoves();
  const { x, clock } = await exchangeOver([tape], { latency: { entryMs: 4, responseMs: 7 } });
  const seen: Array<{ type: string; at: number }> = [];
  await x.start([SYM], (e: ExchangeEvent) => {
    if (e.type === 'order') seen.push({ type: e.event.type, at: clock.now() });
  });
  let answered = 0;
  at(clock, 200, () => void x.placeOrder(bid('100.00', 2)).then(() => (answered = clock.now())));
  await x.run();
  const sent = ms(200) / 1000;
  assert.equal(seen[0]!.type, 'accepted');
  assert.ok(Math.abs(seen[0]!.at - (sent + 11)) < 1e-6, `accepted seen at +${seen[0]!.at - sent} ms`);
  assert.ok(answered >= seen[0]!.at);
  // The sell at 100.00 at 1000 ms is behind 5.000 displayed: no fill. The replay ends with the order resting.
  assert.equal((await resolveNow(x, () => x.getOpenOrders(SYM))).length, 1);
});

test('fixed feed latency: the engine sees a depth change that much later; the venue already matches on it', async () => {
  const tape = await askMoves();
  const { x, clock } = await exchangeOver([tape], { feed: 20 });
  const books: number[] = [];
  await x.start([SYM], (e) => {
    if (e.type === 'book') books.push(clock.now());
  });
  let engineAsk: string | null = null;
  let venueAsk = 0;
  at(clock, 110, () => {
    engineAsk = x.engineBook(SYM)!.bestAsk()!.toFixed(2);
    venueAsk = x.venueOf(SYM)!.book.bestAsk();
  });
  await x.run();
  assert.deepEqual(books.map((t) => Math.round((t - ms(0) / 1000) * 1000) / 1000), [20, 120]);
  assert.equal(engineAsk, '100.10', 'at 110 ms the engine still has the old book');
  assert.equal(venueAsk, 10020, 'the venue applied the change at 100 ms');
});

test('feed latency from the tape: local minus exchange time above its lowest is how late each event came', async () => {
  // Every event 1000 ms behind the exchange clock (the clocks' offset), except the diff: 1030 ms, i.e. it
  // happened 30 ms before the recorder got it.
  const tape = await askMoves((localUs) => localUs - (localUs === ms(100) ? 1_030_000 : 1_000_000));
  const { x, clock } = await exchangeOver([tape], { feed: 'tape' });
  let venueAsk = 0;
  let engineAsk = '';
  let bookAt = 0;
  await x.start([SYM], (e) => {
    if (e.type === 'book') bookAt = clock.now();
  });
  at(clock, 85, () => {
    venueAsk = x.venueOf(SYM)!.book.bestAsk();
    engineAsk = x.engineBook(SYM)!.bestAsk()!.toFixed(2);
  });
  await x.run();
  assert.equal(venueAsk, 10020, 'the venue applied the diff at 70 ms');
  assert.equal(engineAsk, '100.10');
  assert.ok(Math.abs(bookAt - ms(100) / 1000) < 1e-6, 'the engine got it when the recorder did');
});

test('queries travel like orders and answer from the venue: a fill is in the open orders, fills and findOrder alike', async () => {
  const tape = await writeTape(dir, 'fill.tape.gz', [
    snap(ms(0), 10, [10000, 5000], [10010, 5000]),
    trade(ms(500), 9990, 'sell'),
    trade(ms(900), 10010, 'buy'),
  ]);
  const { x, clock } = await exchangeOver([tape], { latency: { entryMs: 5, responseMs: 5 } });
  const answers: Record<string, unknown> = {};
  at(clock, 100, () => void x.placeOrder(bid('100.00', 3)));
  // Sent right after the order: arrives after it (requests keep their order), so the order is there.
  at(clock, 100.5, () => void x.findOrder(SYM, 3).then((o) => (answers['before'] = o?.status)));
  at(clock, 600, () => {
    void x.findOrder(SYM, 3).then((o) => (answers['after'] = o?.status));
    void x.getFills({ symbol: SYM }).then((f) => ((answers['fills'] = f.rows.map((y) => [y.price.toFixed(2), y.quantity.toFixed(3), y.isMaker])), (answers['fillsTotal'] = f.page?.total)));
    void x.getOpenOrders(SYM).then((o) => (answers['open'] = o.length));
    void x.getPositions().then((p) => (answers['position'] = p[0]?.netQuantity.toFixed(3)));
  });
  await x.run();
  assert.deepEqual(answers, { before: 'New', after: 'Filled', fills: [['100.00', '1.000', true]], fillsTotal: 1, open: 0, position: '1.000' });
});

/** A query answered by the exchange outside the replay loop (latency 0 here means the next loop turn). */
async function resolveNow<T>(x: { run(o: { until: () => boolean; maxMs: number }): Promise<void> }, q: () => Promise<T>): Promise<T> {
  let v: { r: T } | null = null;
  void q().then((r) => (v = { r }));
  await x.run({ until: () => v !== null, maxMs: 1000 });
  return (v as { r: T } | null)!.r;
}
