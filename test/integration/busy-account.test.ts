// A busy account against the paper exchange SERVER, over the real BackpackAdapter (through the counting
// proxy): 25,000 fills in the last 30 days, of which 24,400 of ours were journalled by "the previous run",
// 300 are another market's (they count toward the tier, not our stats) and 300 of ours were made while
// the core was down. After start, fill count, volume, fees, realized PnL, positions and the journal equal
// the exchange's records exactly; start-up makes at most 40 REST calls (counted at the proxy, every
// endpoint); after live fills and two reconciliations they still agree; the 30-day tier volume equals the
// exchange's once the one-time backfill of the 30 days before the journal is read. Run with the paging
// headers as the exchange sends them, and with a proxy that drops them.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileJournal } from '../../src/runtime/journal.js';
import type { FillJson } from '../../src/sim/accounts/history.js';
import { D, ZERO } from '../../src/util/decimal.js';
import { fillResting, startHarness, stopAllHarnesses, tail, type Harness } from '../reliability/harness.js';
import { allFills, recordMismatches } from '../reliability/invariants.js';

after(stopAllHarnesses);

const SYMBOLS = ['SOL_USDC_PERP', 'ETH_USDC_PERP'];
const DAY = 86_400_000;
const OURS_JOURNALLED = 24_400;
const OTHER_MARKET = 300;
const MADE_WHILE_DOWN = 300;
const PAGING = /^x-(page-count|current-page|page-size|total)$/i;

type Seed = Omit<FillJson, 'tradeId'>;

/** A round trip per pair of fills (every symbol ends flat), prices and fees varying, maker and taker. */
function ours(i: number, ts: number): Seed {
  const sol = i % 4 < 2;
  const buy = i % 2 === 0;
  const price = sol ? (180 + (i % 300) / 100 + (buy ? 0 : 0.01)).toFixed(2) : (3400 + (i % 900) / 10 + (buy ? 0 : 0.1)).toFixed(1);
  const quantity = sol ? '0.27' : '0.0142';
  const maker = i % 5 !== 0;
  const fee = D(price).mul(quantity).mul(maker ? '0.0002' : '0.0005').toString();
  return { orderId: String(2_000_000_000 + i), clientId: 1000 + i, symbol: sol ? 'SOL_USDC_PERP' : 'ETH_USDC_PERP', side: buy ? 'Bid' : 'Ask', price, quantity, fee, feeSymbol: 'USDC', isMaker: maker, timestamp: ts };
}

function otherMarket(i: number, ts: number): Seed {
  return { orderId: String(3_000_000_000 + i), clientId: null, symbol: 'BTC_USDC_PERP', side: i % 2 === 0 ? 'Bid' : 'Ask', price: (90_000 + i).toFixed(1), quantity: '0.00055', fee: '0.0099', feeSymbol: 'USDC', isMaker: true, timestamp: ts };
}

/** Seed the account's history and write the journal the previous run left (ours up to its newest fill). */
function seedHistory(h: Harness, journal: FileJournal): { newestJournalled: number } {
  const now = h.clock.now();
  const start = now - 30 * DAY + 2 * 3_600_000;
  const newestJournalled = now - 20 * 60_000;
  const span = newestJournalled - 60_000 - start;
  const history: Seed[] = [];
  const otherEvery = Math.floor(OURS_JOURNALLED / OTHER_MARKET);
  let other = 0;
  for (let i = 0; i < OURS_JOURNALLED; i++) {
    // The newest journalled fill stands alone, a minute after the rest (outside the backfill's window).
    const ts = i === OURS_JOURNALLED - 1 ? newestJournalled : start + Math.floor((span * i) / OURS_JOURNALLED);
    history.push(ours(i, ts));
    if (i % otherEvery === 0 && other < OTHER_MARKET) history.push(otherMarket(other++, ts));
  }
  h.sim.exchange.seedFills(h.keys.apiKey, history);
  // What the previous run journalled: every fill of ours, exactly as the exchange recorded it.
  for (const f of allFills(h.sim.exchange, h.keys.apiKey)) {
    if (!SYMBOLS.includes(f.symbol)) continue;
    journal.append({ kind: 'fill', tradeId: String(f.tradeId), symbol: f.symbol, ts: f.timestamp, orderId: f.orderId, clientId: f.clientId, side: f.side, price: f.price.toString(), quantity: f.quantity.toString(), fee: f.fee.toString(), feeSymbol: f.feeSymbol, isMaker: f.isMaker });
  }
  // Then the core was down while these happened.
  const downFrom = newestJournalled + 1000;
  const downSpan = now - 5000 - downFrom;
  h.sim.exchange.seedFills(h.keys.apiKey, Array.from({ length: MADE_WHILE_DOWN }, (_, i) => ours(OURS_JOURNALLED + i, downFrom + Math.floor((downSpan * i) / MADE_WHILE_DOWN))));
  return { newestJournalled };
}

/** The exchange's 30-day futures volume over every market of the account. */
function exchangeVolume30d(h: Harness): string {
  const cutoff = h.clock.now() - 30 * DAY;
  let v = ZERO;
  for (const f of allFills(h.sim.exchange, h.keys.apiKey)) if (f.symbol.endsWith('_PERP') && f.timestamp > cutoff) v = v.plus(D(f.quantity).mul(f.price));
  return v.toString();
}

for (const headers of [true, false]) {
  test(`busy account, ${headers ? 'with the paging headers' : 'through a proxy that drops the paging headers'}: fills made while down counted exactly, <= 40 REST calls at start, tier volume complete after the backfill`, { timeout: 120_000 }, async () => {
    const home = mkdtempSync(join(tmpdir(), 'th-busy-'));
    const journal = FileJournal.inHome(home);
    let startCalls = 0;
    let h: Harness | null = null;
    try {
      h = await startHarness({
        seed: 23,
        symbols: SYMBOLS,
        journal,
        // Slow enough that this test's own record checks (a second or two of replaying 25,000 fills) are
        // not a stream outage to the core (its websocket watchdog is 20 simulated seconds). The widest
        // signature window: on a loaded machine the private subscribe, signed while this process seeds
        // and replays 25,000 fills, can reach the exchange (in this process) more than the default 5
        // simulated seconds later, and the exchange then refuses it.
        speed: 2,
        env: { TIERHUNTER_BACKFILL_PAGES_PER_MIN: '120', TIERHUNTER_RECV_WINDOW_MS: '60000' },
        beforeStart: (hh) => {
          if (!headers) hh.proxy.hooks.onReplyHeaders = (_r, hd) => Object.fromEntries(Object.entries(hd).filter(([k]) => !PAGING.test(k)));
          seedHistory(hh, journal);
          startCalls = hh.proxy.requests.length;
        },
      });
      // Synchronously after start(): no live fill can have happened yet (the exchange runs in this process).
      const during = h.proxy.requests.slice(startCalls).filter((r) => !r.path.startsWith('/_sim'));
      assert.ok(during.length <= 40, `start-up REST calls: ${during.length} (${during.map((r) => `${r.method} ${r.path}`).join(', ')})`);
      assert.ok(during.filter((r) => r.path === '/wapi/v1/history/fills').length <= 2, 'a start never re-reads 30 days of fills');
      assert.equal(h.sim.exchange.fills(h.keys.apiKey, { limit: 1e9 }).length, OURS_JOURNALLED + OTHER_MARKET + MADE_WHILE_DOWN);
      const problems = recordMismatches({ ex: h.sim.exchange, key: h.keys.apiKey, symbols: SYMBOLS, stats: await h.coreStats(), positions: h.corePositions(), journal: journal.load() });
      assert.deepEqual(problems, [], tail(h.logger));
      assert.equal((await h.coreStats()).total['fills'], OURS_JOURNALLED + MADE_WHILE_DOWN);
      assert.ok(h.logger.lines.some((l) => l.includes(`recovered ${MADE_WHILE_DOWN} fill(s) missed while down`)), tail(h.logger));

      // Live fills and two reconciliations later, still exact.
      for (let i = 0; i < 6; i++) {
        fillResting(h, i % 2 === 0 ? 1 : 0.5);
        await h.run(400);
      }
      await h.engine.reconcile(false);
      await h.engine.reconcile(false);
      // The backfill ran alongside (paced: a page per 500 simulated ms here; 10 a minute by default).
      assert.ok(await h.until(() => !h!.engine.view.history.partial(), 60_000), `backfill done: ${JSON.stringify(h.engine.view.history.backfill)}`);
      assert.deepEqual(await h.settleAndCheck(), [], tail(h.logger));

      // The tier: journal + recovered + live fills, plus the backfilled 30 days before the journal (the
      // other market's fills): equal to the exchange's 30-day futures volume.
      assert.equal(h.engine.snapshot().tier.partial, false);
      assert.equal(h.engine.view.tier().volume30d.toString(), exchangeVolume30d(h));
    } finally {
      await h?.stop();
      journal.close();
      rmSync(home, { recursive: true, force: true });
    }
  });
}
