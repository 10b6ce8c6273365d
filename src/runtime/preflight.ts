// Live-mode preflight: the reasons `tierhunter check` would fail also stop `tierhunter run` before it
// quotes (bad key, clock skew beyond the signing window, unknown symbol, order size below a market's minimum).
// The order-size rule is shared with `check` so both say the same thing.
import { ConfigError } from '../config/errors.js';
import { envName, type Settings } from '../config/settings.js';
import type { BackpackRest } from '../exchange/backpack/rest.js';
import type { MarketInfo } from '../domain/market.js';
import { floorToStep, type Decimal } from '../util/decimal.js';

export type SizeCheck = { ok: true; qty: Decimal } | { ok: false; reason: string; setting: string };

/** The quantity the strategy would quote for `market` at `mark`, and whether it clears the market minimum. */
export function orderSizeCheck(settings: Readonly<Settings>, market: MarketInfo, mark: Decimal | null): SizeCheck {
  const fixed = settings.orderQuantity[market.symbol];
  const setting = envName(fixed ? 'orderQuantity' : 'orderNotional');
  const qty = fixed ?? (mark && mark.gt(0) ? floorToStep(settings.orderNotional.div(mark), market.stepSize) : null);
  if (qty === null) return { ok: false, reason: 'no mark price to size orders', setting };
  if (qty.lt(market.minQuantity)) {
    return { ok: false, reason: `order size ${qty.toString()} < min ${market.minQuantity.toString()} (the market minimum): raise ${setting}`, setting };
  }
  return { ok: true, qty };
}

/** Throws ConfigError (exit 2) naming what to fix; runs before the engine places anything. */
export async function livePreflight(rest: BackpackRest, settings: Readonly<Settings>): Promise<void> {
  await rest.clockSync.sync();
  const offset = Math.round(rest.clockSync.offsetMs);
  if (Math.abs(offset) > settings.recvWindowMs) {
    throw new ConfigError('clock', `this machine's clock is ${offset} ms off the exchange's (beyond the ${settings.recvWindowMs} ms signing window): enable NTP (timedatectl set-ntp true) and start again`);
  }
  try {
    await rest.accountFees();
  } catch (e) {
    throw new ConfigError('BPX_API_KEY', `the exchange did not accept BPX_API_KEY (${e instanceof Error ? e.message.split('\n')[0] : String(e)}): check the key pair and its permissions`);
  }
  const markets = await rest.markets();
  const marks = new Map((await rest.markPrices().catch(() => [])).map((m) => [m.symbol, m.markPrice]));
  for (const sym of settings.symbols) {
    const m = markets.find((x) => x.symbol === sym);
    if (!m) throw new ConfigError(envName('symbols'), `${envName('symbols')}: ${sym} is not a market on this exchange`);
    const mark = marks.get(sym) ?? (await rest.ticker(sym).then((t) => t.lastPrice, () => null));
    const c = orderSizeCheck(settings, m, mark);
    if (!c.ok) throw new ConfigError(c.setting, `${sym}: ${c.reason}`);
  }
}
