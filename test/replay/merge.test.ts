// Several tapes are several markets merged by time: every event reaches the engine in time order across
// the tapes, each market keeps its own book, and one tape per market.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exchangeOver, header, ms, snap, tempDir, trade, writeTape } from './helpers.js';

const dir = tempDir('th-replay-merge-');

test('two tapes are merged by time, event by event, into one stream for the engine', async () => {
  const a = await writeTape(dir, 'a.tape.gz', [snap(ms(0), 1, [10000, 1000], [10010, 1000]), ...[5, 20, 40, 41, 90].map((t) => trade(ms(t), 10000, 'sell'))], header({ symbol: 'AAA_USDC_PERP', market: 'perp' }));
  const b = await writeTape(dir, 'b.tape.gz', [snap(ms(1), 1, [5000, 1000], [5010, 1000]), ...[10, 30, 40.5, 60].map((t) => trade(ms(t), 5010, 'buy'))], header({ symbol: 'BBB_USDC_PERP', market: 'perp' }));
  const { x, clock } = await exchangeOver([a, b], { feed: 3 });
  const got: Array<[string, number]> = [];
  await x.start(['AAA_USDC_PERP', 'BBB_USDC_PERP'], (e) => {
    if (e.type === 'trade') got.push([e.trade.symbol[0]!, Math.round((clock.now() - ms(0) / 1000) * 10) / 10]);
  });
  await x.run();
  assert.deepEqual(got, [
    ['A', 8], ['B', 13], ['A', 23], ['B', 33], ['A', 43], ['B', 43.5], ['A', 44], ['B', 63], ['A', 93],
  ]);
  // Each market kept its own book.
  assert.equal(x.engineBook('AAA_USDC_PERP')!.bestBid()!.toFixed(2), '100.00');
  assert.equal(x.engineBook('BBB_USDC_PERP')!.bestBid()!.toFixed(2), '50.00');
  assert.deepEqual(x.facts().map((f) => [f.symbol, f.events]), [['AAA_USDC_PERP', 6], ['BBB_USDC_PERP', 5]]);
});

test('two tapes of one market are refused: one tape holds one market', async () => {
  const a = await writeTape(dir, 'c.tape.gz', [snap(ms(0), 1, [10000, 1000], [10010, 1000])], header({ symbol: 'AAA_USDC_PERP', market: 'perp' }));
  await assert.rejects(exchangeOver([a, a]), /two tapes are both AAA_USDC_PERP/);
});
