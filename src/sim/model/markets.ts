// The simulated markets: wire filters (what /api/v1/markets reports) plus the market model's knobs.
// Sizes in the model section are in base units as plain numbers: they only drive the random model and
// are snapped to the step grid before touching the book.
export interface ModelParams {
  /** Daily volatility of the fair value (fraction, e.g. 0.035 = 3.5 %). */
  dailyVol: number;
  /** Half spread of the house quotes in ticks. */
  halfSpreadTicks: number;
  /** Distance between house levels in ticks. */
  levelSpacingTicks: number;
  /** House levels per side. */
  levels: number;
  /** Typical house size at the touch (base units); deeper levels grow. */
  levelSize: number;
  /** Mean taker size (base units). */
  takerSize: number;
  /** Baseline taker arrivals per second (bursts add to this). */
  takerRate: number;
}

export interface SimMarketSpec {
  symbol: string;
  baseSymbol: string;
  quoteSymbol: string;
  marketType: 'PERP' | 'SPOT';
  tickSize: string;
  stepSize: string;
  minQuantity: string;
  maxQuantity: string | null;
  minPrice: string;
  maxPrice: string;
  initialPrice: string;
  model: ModelParams;
}

export const DEFAULT_MARKETS: readonly SimMarketSpec[] = [
  {
    symbol: 'SOL_USDC_PERP', baseSymbol: 'SOL', quoteSymbol: 'USDC', marketType: 'PERP',
    tickSize: '0.01', stepSize: '0.01', minQuantity: '0.01', maxQuantity: null, minPrice: '0.01', maxPrice: '10000',
    initialPrice: '180.00',
    model: { dailyVol: 0.045, halfSpreadTicks: 1, levelSpacingTicks: 1, levels: 60, levelSize: 40, takerSize: 4, takerRate: 1.5 },
  },
  {
    symbol: 'BTC_USDC_PERP', baseSymbol: 'BTC', quoteSymbol: 'USDC', marketType: 'PERP',
    tickSize: '0.1', stepSize: '0.00001', minQuantity: '0.00001', maxQuantity: null, minPrice: '0.1', maxPrice: '1000000',
    initialPrice: '90000.0',
    model: { dailyVol: 0.03, halfSpreadTicks: 5, levelSpacingTicks: 20, levels: 60, levelSize: 0.8, takerSize: 0.05, takerRate: 1.8 },
  },
  {
    symbol: 'ETH_USDC_PERP', baseSymbol: 'ETH', quoteSymbol: 'USDC', marketType: 'PERP',
    tickSize: '0.01', stepSize: '0.0001', minQuantity: '0.0001', maxQuantity: null, minPrice: '0.01', maxPrice: '100000',
    initialPrice: '3500.00',
    model: { dailyVol: 0.04, halfSpreadTicks: 5, levelSpacingTicks: 10, levels: 60, levelSize: 12, takerSize: 1, takerRate: 1.5 },
  },
  {
    symbol: 'SOL_USDC', baseSymbol: 'SOL', quoteSymbol: 'USDC', marketType: 'SPOT',
    tickSize: '0.01', stepSize: '0.01', minQuantity: '0.01', maxQuantity: null, minPrice: '0.01', maxPrice: '10000',
    initialPrice: '180.00',
    model: { dailyVol: 0.045, halfSpreadTicks: 2, levelSpacingTicks: 1, levels: 60, levelSize: 25, takerSize: 3, takerRate: 1.2 },
  },
];

export function findMarketSpec(symbol: string): SimMarketSpec | undefined {
  return DEFAULT_MARKETS.find((m) => m.symbol === symbol);
}
