// The start and stop sequences apart from the loop: the configured symbols opened on the exchange's
// markets (an unknown one is a configuration error naming TIERHUNTER_SYMBOLS; spot gets its target and
// dust rule), and the stop's budget: an exchange that never answers does not hold the stop past it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../../src/config/errors.js';
import { openSymbols, stopCore, type StopContext } from '../../src/core/lifecycle.js';
import { Portfolio } from '../../src/core/portfolio.js';
import { AccountHistory } from '../../src/core/account-history.js';
import { defaultSettings } from '../../src/config/settings.js';
import { VirtualClock } from '../../src/util/clock.js';
import { D } from '../../src/util/decimal.js';
import { perpMarket } from './helpers/fake-port.js';
import { MemLogger, settle, settingsWith, T0 } from './helpers/harness.js';
import { ledgerFill, makeParts } from './helpers/parts.js';

function portfolio(symbols: string[]): Portfolio {
  const history = new AccountHistory();
  return new Portfolio({ clock: new VirtualClock(T0), logger: new MemLogger(), symbols, sessionLossLimit: D(0), dailyLossLimit: D(0), history: () => history });
}

const MARKETS = [perpMarket('SOL_USDC_PERP'), perpMarket('SOL_USDC', { stepSize: D('0.001'), minQuantity: D('0.02') }), perpMarket('BTC_USDC_PERP')];

test('lifecycle: openSymbols opens the configured symbols in settings order; spot gets its target and its dust rule', () => {
  const s = settingsWith({ symbols: ['SOL_USDC', 'SOL_USDC_PERP'], spotTargetBase: { SOL_USDC: D('2.5') } });
  const p = portfolio(s.symbols);
  const syms = openSymbols(MARKETS, s, p, 'fake');
  assert.deepEqual(syms.map((x) => x.symbol), ['SOL_USDC', 'SOL_USDC_PERP']);
  const [spot, perp] = syms;
  assert.equal(spot!.isSpot, true);
  assert.equal(spot!.spotTarget.toString(), '2.5');
  assert.equal(spot!.market, MARKETS[1]);
  const dust = p.stats.ledger('SOL_USDC').dust;
  assert.equal(dust?.step.toString(), '0.001');
  assert.equal(dust?.min.toString(), '0.02');
  assert.equal(perp!.isSpot, false);
  assert.equal(perp!.spotTarget.toString(), '0');
  assert.equal(p.stats.ledger('SOL_USDC_PERP').dust, null, 'a perp has no dust rule');
});

test('lifecycle: a spot symbol without a target keeps none (0)', () => {
  const s = settingsWith({ symbols: ['SOL_USDC'] });
  const [spot] = openSymbols(MARKETS, s, portfolio(s.symbols), 'fake');
  assert.equal(spot!.spotTarget.toString(), '0');
});

test('lifecycle: an unknown symbol is a ConfigError naming TIERHUNTER_SYMBOLS, the symbols and the host', () => {
  const s = { ...defaultSettings(), symbols: ['SOL_USDC_PERP', 'DOGE_USDC_PERP', 'XYZ_USDC'] };
  assert.throws(
    () => openSymbols(MARKETS, s, portfolio(s.symbols), 'api.backpack.exchange'),
    (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.equal(e.setting, 'TIERHUNTER_SYMBOLS');
      assert.equal(e.exitCode, 2);
      assert.equal(e.message, 'unknown symbol(s) DOGE_USDC_PERP, XYZ_USDC on api.backpack.exchange; check TIERHUNTER_SYMBOLS');
      return true;
    },
  );
});

/** The stop over the assembled parts; the exchange's cancel-all (and optionally an order) never answers. */
function stopRig(over: Parameters<typeof makeParts>[0] = {}) {
  const rig = makeParts({ symbols: ['SOL_USDC_PERP', 'BTC_USDC_PERP'], ...over }, MARKETS);
  const { parts, port, clock, loop, logger, settings } = rig;
  loop.started = true; // a core that got as far as quoting (a flatten on stop needs that)
  const cancelAllAt: number[] = [];
  port.cancelAll = (symbol: string) => {
    port.calls.push({ m: 'cancelAll', args: [symbol] });
    cancelAllAt.push(clock.now());
    return new Promise(() => undefined);
  };
  const finalBlockAt: number[] = [];
  const ctx: StopContext = {
    clock,
    logger,
    settings,
    port,
    syms: parts.syms,
    spot: null,
    modes: parts.modes,
    quoting: parts.quoting,
    portfolio: parts.portfolio,
    sync: parts.sync,
    loop,
    requoteAll: () => undefined,
    finalBlock: () => void finalBlockAt.push(clock.now()),
    changed: () => undefined,
  };
  /** Run the stop on virtual time; resolves with when it ended (ms after it began), or null past `limitMs`. */
  const run = async (limitMs: number): Promise<number | null> => {
    const began = clock.now();
    let endedAt: number | null = null;
    void stopCore(ctx).then(() => (endedAt = clock.now()));
    while (endedAt === null && clock.now() - began <= limitMs) {
      await settle();
      if (endedAt === null) clock.advance(50);
    }
    return endedAt === null ? null : endedAt - began;
  };
  return { ...rig, ctx, run, cancelAllAt, finalBlockAt };
}

test('lifecycle: a cancel-all that never answers does not hold the stop beyond its 7 s budget', async () => {
  const { run, port, cancelAllAt, finalBlockAt, logger } = stopRig();
  const took = await run(20_000);
  assert.notEqual(took, null, 'the stop ended');
  assert.ok(took! <= 7000, `the stop took ${took} ms`);
  assert.ok(took! >= 1000, 'it did wait for the cancel-all for a while');
  assert.deepEqual(port.calls.filter((c) => c.m === 'cancelAll').map((c) => c.args[0]), ['SOL_USDC_PERP', 'BTC_USDC_PERP']);
  assert.equal(finalBlockAt.length, 1, 'the final block is written anyway');
  assert.ok(finalBlockAt[0]! > cancelAllAt[0]!, 'after the cancel-all was given its time');
  assert.ok(port.names().includes('stop'), 'the streams are closed');
  assert.ok(logger.lines.includes('I Tier Hunter stopped'));
});

test('lifecycle: an in-flight request and a cancel-all that never answer still end the stop within its budget', async () => {
  const { run, loop, port, finalBlockAt } = stopRig();
  loop.keepInFlight(new Promise(() => undefined)); // a placement whose reply never comes
  const took = await run(20_000);
  assert.notEqual(took, null);
  assert.ok(took! <= 7000, `the stop took ${took} ms`);
  assert.ok(port.names().includes('cancelAll'), 'cancel-all is still sent after the in-flight wait');
  assert.equal(finalBlockAt.length, 1);
});

test('lifecycle: a flatten on stop that never gets flat, then a cancel-all that never answers, stays inside pm2\'s 12 s kill timeout', async () => {
  const { run, parts, logger, finalBlockAt } = stopRig({ flattenOnStop: true });
  const sym = parts.syms.get('SOL_USDC_PERP')!;
  parts.portfolio.applyFill(sym, ledgerFill('SOL_USDC_PERP', 'Bid', '1', '100'), false, () => false);
  const took = await run(30_000);
  assert.notEqual(took, null);
  assert.ok(took! >= 5000, `the flatten had its 5 s (took ${took} ms)`);
  assert.ok(took! <= 9500, `flatten 5 s + 4.5 s for the rest (took ${took} ms)`);
  assert.equal(parts.modes.stopFlattenSince, null, 'the flatten for the stop ended');
  assert.ok(logger.lines.some((l) => l.startsWith('W flatten on stop: still holding SOL_USDC_PERP 1')));
  assert.equal(finalBlockAt.length, 1);
});
