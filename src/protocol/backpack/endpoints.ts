// Backpack's REST paths and the signing instruction of each private endpoint (reference §1.6, §2). The
// client (src/exchange/backpack/rest.ts) calls these paths and the paper exchange (src/sim/server/rest.ts)
// routes them: one table, so a path or an instruction name cannot drift between the two sides.

/** Every REST path either side uses. */
export const PATHS = {
  status: '/api/v1/status',
  ping: '/api/v1/ping',
  time: '/api/v1/time',
  assets: '/api/v1/assets',
  markets: '/api/v1/markets',
  market: '/api/v1/market',
  ticker: '/api/v1/ticker',
  tickers: '/api/v1/tickers',
  depth: '/api/v1/depth',
  trades: '/api/v1/trades',
  tradesHistory: '/api/v1/trades/history',
  klines: '/api/v1/klines',
  markPrices: '/api/v1/markPrices',
  fundingRates: '/api/v1/fundingRates',
  openInterest: '/api/v1/openInterest',
  account: '/api/v1/account',
  orderLimits: '/api/v1/account/limits/order',
  capital: '/api/v1/capital',
  collateral: '/api/v1/capital/collateral',
  position: '/api/v1/position',
  order: '/api/v1/order',
  orders: '/api/v1/orders',
  fillHistory: '/wapi/v1/history/fills',
  orderHistory: '/wapi/v1/history/orders',
  fundingHistory: '/wapi/v1/history/funding',
} as const;

export type HttpMethod = 'GET' | 'POST' | 'DELETE' | 'PATCH';

/** The key of an endpoint in route and instruction tables: "METHOD /path". */
export function endpointKey(method: HttpMethod, path: string): string {
  return `${method} ${path}`;
}

/** Instruction names by METHOD + path (reference §1.6): the first field of the signing string. */
export const INSTRUCTIONS: Record<string, string> = {
  [endpointKey('GET', PATHS.account)]: 'accountQuery',
  [endpointKey('PATCH', PATHS.account)]: 'accountUpdate',
  [endpointKey('GET', PATHS.orderLimits)]: 'maxOrderQuantity',
  [endpointKey('GET', PATHS.capital)]: 'balanceQuery',
  [endpointKey('GET', PATHS.collateral)]: 'collateralQuery',
  [endpointKey('GET', PATHS.position)]: 'positionQuery',
  [endpointKey('GET', PATHS.order)]: 'orderQuery',
  [endpointKey('POST', PATHS.order)]: 'orderExecute',
  [endpointKey('DELETE', PATHS.order)]: 'orderCancel',
  [endpointKey('GET', PATHS.orders)]: 'orderQueryAll',
  [endpointKey('POST', PATHS.orders)]: 'orderExecute',
  [endpointKey('DELETE', PATHS.orders)]: 'orderCancelAll',
  [endpointKey('GET', PATHS.fillHistory)]: 'fillHistoryQueryAll',
  [endpointKey('GET', PATHS.orderHistory)]: 'orderHistoryQueryAll',
  [endpointKey('GET', PATHS.fundingHistory)]: 'fundingHistoryQueryAll',
};

/** The instruction a private websocket SUBSCRIBE signs (reference §3). */
export const SUBSCRIBE_INSTRUCTION = 'subscribe';
