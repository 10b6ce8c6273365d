// The loop: an event's re-quotes and its publish happen once, when the event has been applied in full.
// A fill that hits a loss limit must not re-quote (and cancel) the order it just filled before the order
// event has ended it; the batch itself re-quotes each marked symbol once, in marking order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventBatch } from '../../src/core/event-batch.js';
import { D } from '../../src/util/decimal.js';
import { fillEvent, makeHarness, settle, startQuoting } from './helpers/harness.js';

const S = 'SOL_USDC_PERP';

test('event batch: marks inside an event are re-quoted once each, in order, then published once; outside an event at once', () => {
  const log: string[] = [];
  const b = new EventBatch<string>(
    (s) => {
      log.push(`requote ${s}`);
      if (s === 'a') b.publishLater();
    },
    () => log.push('publish'),
  );
  b.run(() => {
    b.requoteLater('a');
    b.publishLater();
    b.requoteLater('b');
    b.requoteLater('a');
    b.run(() => b.requoteLater('c')); // nested: still this event
    log.push('end of event');
  });
  assert.deepEqual(log, ['end of event', 'requote a', 'requote b', 'requote c', 'publish']);
  log.length = 0;
  b.requoteLater('b');
  assert.deepEqual(log, ['requote b']);
  assert.throws(() =>
    b.run(() => {
      b.requoteLater('a');
      throw new Error('bad event');
    }),
  );
  assert.deepEqual(log, ['requote b', 'requote a', 'publish'], 'a failed event still re-quotes what it marked');
});

test('loop: a fill that hits the loss limit re-quotes after the order event is applied (no cancel for the order it filled)', async () => {
  const h = makeHarness({ sessionLossLimit: D(100), dailyLossLimit: D(500) });
  await startQuoting(h);
  const req = h.port.placed()[0]!;
  const t = h.engine.view.tracker.get(S)!;
  assert.ok(t.orderId);
  const publishes: number[] = [];
  h.engine.events.subscribe(() => publishes.push(h.engine.view.tracker.get(S) === null ? 0 : 1));
  h.port.emit(
    fillEvent({ symbol: S, orderId: t.orderId!, clientId: t.clientId, side: req.side, price: req.price!, quantity: req.quantity }, { tradeId: 'big-fee', qty: req.quantity.toString(), fee: '150' }, req.quantity, h.clock.now()),
  );
  assert.equal(h.engine.view.lossLimitHit, true);
  assert.equal(h.port.names().filter((n) => n === 'cancelOrder').length, 0, 'the filled order is not cancelled');
  assert.equal(h.engine.view.cancelsSent, 0);
  assert.deepEqual(publishes, [1], 'published once, after the re-quote placed the exit');
  const exit = h.port.placed()[1];
  assert.ok(exit, 'the exit is placed in the same event');
  assert.equal(exit.reduceOnly, true);
  assert.equal(h.port.placed().length, 2);
  await settle();
});
