// `--set KEY=VALUE` for backtests: accepts the setting's name (`sideMode=against`) or its environment
// spelling (`TIERHUNTER_SIDE_MODE=against`) and validates through the same resolveSettings() the bot
// uses, so a backtest can never run with a value the bot would refuse.
import { ConfigError } from '../config/errors.js';
import { envName, resolveSettings, SETTINGS, type Settings } from '../config/settings.js';
import { FUTURES_TIERS } from '../core/tiers.js';
import type { AccountFees } from '../exchange/types.js';
import { DEFAULT_FEES_BPS } from '../sim/accounts/account.js';
import { D, type Decimal, parseDecimal } from '../util/decimal.js';

/** Map setting names and env names to the env name; throws ConfigError for unknown keys. */
export function toEnvOverrides(overrides: Record<string, string>): Record<string, string> {
  const byName = new Map<string, string>();
  for (const s of SETTINGS) {
    byName.set(s.key.toLowerCase(), envName(s.key));
    byName.set(envName(s.key).toLowerCase(), envName(s.key));
  }
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(overrides)) {
    const name = byName.get(k.trim().toLowerCase());
    if (!name) throw new ConfigError(k, `--set ${k}: not a Tier Hunter setting (use a name like sideMode or TIERHUNTER_SIDE_MODE)`);
    env[name] = v;
  }
  return env;
}

/**
 * Backtest-only defaults, applied unless `--set` names the setting. The loss limits are off: a strategy
 * that pays ~2 bps per fill reaches the bot's 100 USDC session (or 300 USDC daily) limit within hours,
 * after which it only exits, and a 24 h comparison would measure the limit instead of the strategy.
 */
export const BACKTEST_DEFAULTS: Readonly<Record<string, string>> = { sessionLossLimit: '0', dailyLossLimit: '0' };

/** Defaults + overrides (+ the symbols to trade, unless the overrides name them). */
export function backtestSettings(overrides: Record<string, string>, symbols: string[] | null): Readonly<Settings> {
  const env = { ...toEnvOverrides(BACKTEST_DEFAULTS), ...toEnvOverrides(overrides) };
  const symKey = envName('symbols');
  if (symbols !== null && symbols.length > 0 && env[symKey] === undefined) env[symKey] = symbols.join(',');
  return resolveSettings({}, env);
}

/** Parse "KEY=VALUE" (first '=' splits). Returns null when malformed. */
export function parseAssignment(s: string): [string, string] | null {
  const i = s.indexOf('=');
  if (i <= 0) return null;
  return [s.slice(0, i).trim(), s.slice(i + 1).trim()];
}

/**
 * `--set` keys that are the backtest account's, not the bot's: the fee schedule. `feeTier` names a Backpack
 * futures tier (src/core/tiers.ts; default Tier 1: maker 2 / taker 5 bps); `makerFeeBps` / `takerFeeBps`
 * replace its futures rates, `spotMakerFeeBps` / `spotTakerFeeBps` the spot ones (default 8 / 10, the paper
 * exchange's). Negative = a rebate.
 */
export const FEE_KEYS = ['feeTier', 'makerFeeBps', 'takerFeeBps', 'spotMakerFeeBps', 'spotTakerFeeBps'] as const;

/** Split the fee keys off `--set` overrides and build the account's fee rates; ConfigError on a bad value. */
export function splitFees(overrides: Record<string, string>): { settings: Record<string, string>; fees: AccountFees; tier: string } {
  const settings: Record<string, string> = {};
  const fee: Partial<Record<(typeof FEE_KEYS)[number], string>> = {};
  for (const [k, v] of Object.entries(overrides)) {
    const key = FEE_KEYS.find((x) => x.toLowerCase() === k.trim().toLowerCase());
    if (key) fee[key] = v;
    else settings[k] = v;
  }
  const tierName = fee.feeTier ?? 'Tier 1';
  const tier = FUTURES_TIERS.find((t) => t.name.toLowerCase() === tierName.trim().toLowerCase());
  if (!tier) throw new ConfigError('feeTier', `--set feeTier=${tierName}: not a Backpack futures tier (one of ${FUTURES_TIERS.map((t) => t.name).join(', ')})`);
  const bps = (key: (typeof FEE_KEYS)[number], d: Decimal): Decimal => {
    const v = fee[key];
    if (v === undefined) return d;
    const x = parseDecimal(v);
    if (x === null || x.abs().gt(100)) throw new ConfigError(key, `--set ${key}=${v}: expected basis points between -100 and 100, e.g. 1.5`);
    return x;
  };
  const fees: AccountFees = {
    futuresMakerFeeBps: bps('makerFeeBps', tier.makerBps),
    futuresTakerFeeBps: bps('takerFeeBps', tier.takerBps),
    spotMakerFeeBps: bps('spotMakerFeeBps', D(DEFAULT_FEES_BPS.spotMaker)),
    spotTakerFeeBps: bps('spotTakerFeeBps', D(DEFAULT_FEES_BPS.spotTaker)),
  };
  return { settings, fees, tier: fee.makerFeeBps !== undefined || fee.takerFeeBps !== undefined ? `${tier.name} + --set` : tier.name };
}
