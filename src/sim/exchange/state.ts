// The paper exchange's mutable state in one object: markets, accounts, id counters, the event bus and the
// per-market matching hooks and model venues. The modules of this folder (orders, margin, settlement,
// funding, house liquidity, queries, state export) are functions over it, so each holds one job and none
// needs another's private fields; SimExchange (../exchange.ts) owns one and wires the modules together.
import type { Clock } from '../../util/clock.js';
import { D, type Decimal } from '../../util/decimal.js';
import { Account, type FeeRatesBps } from '../accounts/account.js';
import { SimEventBus } from '../event-bus.js';
import type { BalanceChangeEvent } from '../events.js';
import type { SimMarket } from '../market.js';
import type { MatchHooks } from '../matching/match.js';
import type { ModelVenue } from '../model/market-model.js';

export const USDC = 'USDC';

export interface FundingRateRow {
  symbol: string;
  intervalEndTimestamp: number;
  fundingRate: string;
}

/** The settings an ExchangeState is built from (already defaulted by SimExchange). */
export interface ExchangeConfig {
  clock: Clock;
  startingCollateral: Decimal;
  startingBalances: Record<string, string>;
  defaultFees: FeeRatesBps;
  historyLimit: number;
  fillLimit: number;
  leverage: number;
  fundingIntervalMs: number;
}

export class ExchangeState {
  readonly clock: Clock;
  readonly startingCollateral: Decimal;
  readonly startingBalances: Record<string, string>;
  readonly defaultFees: FeeRatesBps;
  readonly historyLimit: number;
  readonly fillLimit: number;
  readonly leverage: number;
  readonly fundingIntervalMs: number;
  readonly markets = new Map<string, SimMarket>();
  readonly accounts = new Map<string, Account>();
  readonly events = new SimEventBus();
  /** Per market: what the matcher calls on each trade and maker end (settlement.ts builds them). */
  readonly hooks = new Map<string, MatchHooks>();
  /** Per market: the house-liquidity interface the market model drives (house.ts builds them). */
  readonly venues = new Map<string, ModelVenue>();
  readonly fundingHistory = new Map<string, FundingRateRow[]>();
  /** Accounts whose position changed since their resting reduce-only orders were last checked. */
  readonly reduceChecks = new Set<Account>();
  nextOrderId = 1_000_000_000;
  nextPositionId = 7_000_000;

  constructor(c: ExchangeConfig) {
    this.clock = c.clock;
    this.startingCollateral = c.startingCollateral;
    this.startingBalances = c.startingBalances;
    this.defaultFees = c.defaultFees;
    this.historyLimit = c.historyLimit;
    this.fillLimit = c.fillLimit;
    this.leverage = c.leverage;
    this.fundingIntervalMs = c.fundingIntervalMs;
  }

  /** The account of an API key, opened with the starting balances on first use. */
  account(key: string): Account {
    let a = this.accounts.get(key);
    if (!a) {
      a = this.newAccount(key, { ...this.defaultFees });
      a.credit(USDC, this.startingCollateral);
      for (const [asset, amt] of Object.entries(this.startingBalances)) a.credit(asset, D(amt));
      this.accounts.set(key, a);
    }
    return a;
  }

  /** An account whose balance changes reach the balance subscribers (not yet in `accounts`). */
  newAccount(key: string, fees: FeeRatesBps): Account {
    const a = new Account(key, fees);
    a.onChange = (asset) => {
      if (!this.events.has('balance')) return;
      const e: BalanceChangeEvent = { account: key, asset, ts: this.clock.now() };
      for (const fn of this.events.listeners('balance')) fn(e);
    };
    return a;
  }

  /** Start of the next funding interval after now (ms). */
  nextFundingTimestamp(): number {
    return Math.floor(this.clock.now() / this.fundingIntervalMs) * this.fundingIntervalMs + this.fundingIntervalMs;
  }
}
