// Placeholder until calibrated.
import type { MarketSpecFile } from '../spec.js';

const d = {
  episodeRate: 0.45, episodeMoveBps: { median: 0.9, logSd: 0.8 }, episodeSideRepeat: 0.5, episodeStepBps: 0.25, episodeStepGapMs: 30,
  informedSizeUsd: { median: 2000, logSd: 1.8 }, silentStepShare: 0.11, reversionShare: 0.4, reversionSec: 30,
  noiseRate: 0.32, noiseBranching: 0.6, noiseDecaySec: 1, noiseSideRepeat: 0.6, noiseChase: 0.2, noiseSizeUsd: { median: 600, logSd: 1.8, maxUsd: 200000 },
  spreadBps: 0.016, touchDepthUsd: 95000, newLevelShare: 0.5, makerOrderUsd: { median: 400, logSd: 1.8 }, makerCancelRate: 0.5, improveMs: 2,
  ladderGapBps: 0.2, ladderLevelUsd: 3000, ladderLevels: 30,
};
const prov = { tapes: [], volumeScale: 1, note: 'placeholder' };

export const DEFAULT_SPEC: MarketSpecFile = {
  format: 'tierhunter-market-spec',
  version: 1,
  markets: [
    { symbol: 'SOL_USDC_PERP', baseSymbol: 'SOL', quoteSymbol: 'USDC', marketType: 'PERP', tickSize: '0.01', stepSize: '0.01', minQuantity: '0.01', maxQuantity: null, minPrice: '0.01', maxPrice: '10000', initialPrice: '180.00', dynamics: d, provenance: prov },
    { symbol: 'BTC_USDC_PERP', baseSymbol: 'BTC', quoteSymbol: 'USDC', marketType: 'PERP', tickSize: '0.1', stepSize: '0.00001', minQuantity: '0.00001', maxQuantity: null, minPrice: '0.1', maxPrice: '1000000', initialPrice: '90000.0', dynamics: d, provenance: prov },
    { symbol: 'ETH_USDC_PERP', baseSymbol: 'ETH', quoteSymbol: 'USDC', marketType: 'PERP', tickSize: '0.01', stepSize: '0.0001', minQuantity: '0.0001', maxQuantity: null, minPrice: '0.01', maxPrice: '100000', initialPrice: '3500.00', dynamics: d, provenance: prov },
    { symbol: 'SOL_USDC', baseSymbol: 'SOL', quoteSymbol: 'USDC', marketType: 'SPOT', tickSize: '0.01', stepSize: '0.01', minQuantity: '0.01', maxQuantity: null, minPrice: '0.01', maxPrice: '10000', initialPrice: '180.00', dynamics: d, provenance: prov },
  ],
};
