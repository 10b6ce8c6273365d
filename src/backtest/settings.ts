// `--set KEY=VALUE` for backtests: accepts the setting's name (`sideMode=against`) or its environment
// spelling (`TIERHUNTER_SIDE_MODE=against`) and validates through the same resolveSettings() the bot
// uses, so a backtest can never run with a value the bot would refuse.
import { ConfigError } from '../config/errors.js';
import { envName, resolveSettings, SETTINGS, type Settings } from '../config/settings.js';

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
