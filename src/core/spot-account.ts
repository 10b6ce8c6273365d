// The spot side of the engine. Balances are read from REST (GET /api/v1/capital, the source of truth)
// after our spot fills and on the exchange's balance-change hints, debounced to one read per
// `balanceRefreshSec` so the REST budget holds; between reads our fills move the wallet (spot-wallet.ts).
// The base the exchange holds is reconciled against the ledger like a perp position: a read that
// disagrees marks drift, a drift that persists makes the engine reconcile (fills first, then balances),
// and only that reconciliation adopts the exchange's figure — never ahead of a fill it has not counted.
import { ConfigError } from '../config/errors.js';
import type { ExchangePort } from '../exchange/port.js';
import type { BalanceInfo } from '../exchange/types.js';
import type { MarketInfo } from '../domain/market.js';
import type { Side } from '../domain/side.js';
import type { Clock, TimerHandle } from '../util/clock.js';
import { type Decimal, ZERO } from '../util/decimal.js';
import type { SymbolLedger } from './ledger.js';
import type { Logger } from './ports.js';
import type { SpotFunds } from './strategy.js';
import type { SymbolState } from './symbol-state.js';
import { movedLocks, ownLocks, SpotWallet, type AssetAmounts, type LockingOrder } from './spot-wallet.js';

/** A balance-changing event is left this long to settle (a burst of partial fills) before the read. */
const SETTLE_MS = 250;

export interface SpotHost {
  readonly port: ExchangePort;
  readonly clock: Clock;
  readonly logger: Logger;
  ledger(symbol: string): SymbolLedger;
  workingOrders(): Iterable<LockingOrder>;
  /** Orders placed so far (a count that only grows). */
  ordersPlaced(): number;
  inflight<T>(p: Promise<T>): Promise<T>;
  /** Balances or inventory changed: re-decide the spot symbols. */
  changed(): void;
}

/** What was true when a read was sent, to tell which of its figures a fill or an order overtook. */
export interface ReadContext {
  fillSeq: Map<string, number>;
  locks: AssetAmounts;
  placed: number;
}

export class SpotAccount {
  readonly wallet = new SpotWallet();
  private readonly markets: Map<string, MarketInfo>;
  private readonly assets = new Set<string>();
  private timer: TimerHandle | null = null;
  private inflight = false;
  private again = false;
  private stopped = false;
  private lastReadAt = -Infinity;

  constructor(
    private readonly host: SpotHost,
    readonly syms: readonly SymbolState[],
    allMarkets: readonly MarketInfo[],
    private readonly minIntervalMs: number,
  ) {
    this.markets = new Map(allMarkets.map((m) => [m.symbol, m]));
    const byBase = new Map<string, string>();
    for (const sym of syms) {
      const other = byBase.get(sym.market.baseSymbol);
      // Inventory is the base held minus a target: two symbols on one base asset would share (and each
      // sell) the same holding.
      if (other !== undefined) {
        throw new ConfigError('TIERHUNTER_SYMBOLS', `spot symbols ${other} and ${sym.symbol} both trade ${sym.market.baseSymbol}: spot inventory is per base asset, quote one of them`);
      }
      byBase.set(sym.market.baseSymbol, sym.symbol);
      this.assets.add(sym.market.baseSymbol).add(sym.market.quoteSymbol);
    }
  }

  /** Base held as the ledger counts it: inventory + target. */
  baseHeld(sym: SymbolState): Decimal {
    return this.host.ledger(sym.symbol).position.plus(sym.spotTarget);
  }

  /** What `sym`'s next order may use (its own working order would be replaced, so its lock is free). */
  funds(sym: SymbolState): SpotFunds {
    return this.wallet.funds(sym.market, this.baseHeld(sym), ownLocks(this.host.workingOrders(), this.markets, sym.symbol));
  }

  /** One of our spot fills arrived live: move the wallet, and read the balances once things settle. */
  noteFill(sym: SymbolState, side: Side, quantity: Decimal, price: Decimal, fee: Decimal, feeSymbol: string): void {
    this.wallet.applyFill(sym.market, side, quantity, price, fee, feeSymbol);
    this.request();
  }

  /** Ask for a balance read: after SETTLE_MS, at most one per minIntervalMs, one at a time. */
  request(): void {
    if (this.stopped) return;
    if (this.inflight) {
      this.again = true;
      return;
    }
    if (this.timer !== null) return;
    const now = this.host.clock.now();
    const at = Math.max(now + SETTLE_MS, this.lastReadAt + this.minIntervalMs);
    this.timer = this.host.clock.setTimeout(() => {
      this.timer = null;
      void this.read();
    }, at - now);
  }

  stop(): void {
    this.stopped = true;
    this.host.clock.clear(this.timer);
    this.timer = null;
  }

  context(): ReadContext {
    return { fillSeq: new Map(this.syms.map((sym) => [sym.symbol, sym.fillSeq])), locks: ownLocks(this.host.workingOrders(), this.markets), placed: this.host.ordersPlaced() };
  }

  /**
   * Start-up: where the replayed journal disagrees with the balances, the exchange's base is adopted,
   * valued at the market price (its cost is unknown; spot has no mark stream, so the ticker is asked).
   */
  async adoptAtStart(balances: readonly BalanceInfo[]): Promise<void> {
    for (const sym of this.syms) {
      const b = balances.find((x) => x.asset === sym.market.baseSymbol);
      const inv = (b ? b.available.plus(b.locked) : ZERO).minus(sym.spotTarget);
      const l = this.host.ledger(sym.symbol);
      if (inv.eq(l.position) || sym.mark !== null) continue;
      try {
        sym.mark = await this.host.port.getMarkPrice(sym.symbol);
        l.mark = sym.mark;
      } catch (e) {
        this.host.logger.warn(`[${sym.symbol}] no price for the held base: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    this.apply(balances, this.context(), true);
  }

  /** The debounced read: figures a fill or order overtook are left alone; base disagreements become drift. */
  private async read(): Promise<void> {
    this.inflight = true;
    this.lastReadAt = this.host.clock.now();
    const ctx = this.context();
    try {
      const balances = await this.host.inflight(this.host.port.getBalances());
      if (!this.stopped) this.apply(balances, ctx, false);
    } catch (e) {
      this.host.logger.warn(`balance read failed: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      this.inflight = false;
      if (this.again) {
        this.again = false;
        this.request();
      }
    }
  }

  /**
   * Take a REST read sent under `ctx`. `adopt` (start-up and reconciliation, which counted recent fills
   * first): the exchange's base becomes the ledger's inventory where they disagree; otherwise a
   * disagreement is drift for the engine's housekeeping to reconcile if it persists.
   */
  apply(balances: readonly BalanceInfo[], ctx: ReadContext, adopt: boolean): void {
    const unsureTotal = new Set<string>();
    for (const sym of this.syms) {
      if (ctx.fillSeq.get(sym.symbol) !== sym.fillSeq) unsureTotal.add(sym.market.baseSymbol).add(sym.market.quoteSymbol);
    }
    // Our locks in the read are known only if our orders were the same when it was sent and when it came
    // back: an order placed (and maybe gone again) meanwhile may be locked in it without being in either.
    const unsureLocks = this.host.ordersPlaced() !== ctx.placed ? this.assets : movedLocks(ctx.locks, ownLocks(this.host.workingOrders(), this.markets));
    this.wallet.adopt(balances, this.assets, ctx.locks, unsureTotal, unsureLocks);
    const now = this.host.clock.now();
    for (const sym of this.syms) {
      if (ctx.fillSeq.get(sym.symbol) !== sym.fillSeq) continue;
      const b = balances.find((x) => x.asset === sym.market.baseSymbol);
      const inv = (b ? b.available.plus(b.locked) : ZERO).minus(sym.spotTarget);
      const l = this.host.ledger(sym.symbol);
      if (inv.eq(l.position)) {
        sym.driftQty = null;
        continue;
      }
      // No PnL is realized: held base of unknown cost is valued at the market when it was found (without a
      // price yet, it stays drift until the book gives one and the next reconciliation adopts it).
      const sameSide = !l.position.isZero() && l.position.isNegative() === inv.isNegative();
      const cost = inv.isZero() || sameSide ? l.avgCost : sym.mark;
      if (adopt && cost !== null) {
        this.host.logger.warn(`[${sym.symbol}] inventory ${l.position} disagrees with the exchange's ${sym.market.baseSymbol} balance (inventory ${inv}): adopting the exchange's`);
        l.adopt(inv, cost, now);
        sym.driftQty = null;
      } else if (sym.driftQty === null || !sym.driftQty.eq(inv)) {
        sym.driftQty = inv;
        sym.driftSince = now;
      }
    }
    this.host.changed();
  }
}
