// Paper-exchange benchmarks (called by bench/run.ts). Each returns one number.
//   benchMatching()        orders/s through the engine (place + match + cancel, no model, no listeners)
//   benchWsFanout()        websocket messages/s delivered to N loopback clients
//   benchVirtualTime()     simulated hours per wall second, 3 markets with the model running
import WebSocket from 'ws';
import { VirtualClock } from '../src/util/clock.js';
import { SimExchange } from '../src/sim/exchange.js';
import { startSim } from '../src/sim/index.js';
import { DEFAULT_MARKETS } from '../src/sim/model/markets.js';

/** Orders per second: a mix of resting limits, crossing limits and cancels on a quiet SOL perp book. */
export async function benchMatching(orders = 200_000): Promise<number> {
  const clock = new VirtualClock();
  const spec = { ...DEFAULT_MARKETS[0]!, initialPrice: '100.00' };
  const ex = new SimExchange({ clock, seed: 1, model: false, markets: [spec], startingCollateral: '1000000000' });
  for (let i = 0; i < 50; i++) {
    ex.addLiquidity(spec.symbol, 'Bid', (99 - i * 0.01).toFixed(2), '1000');
    ex.addLiquidity(spec.symbol, 'Ask', (101 + i * 0.01).toFixed(2), '1000');
  }
  const keys = ['A', 'B', 'C', 'D'];
  let x = 12345;
  const rnd = () => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 4294967296);
  const live: Array<[string, string]> = [];
  const t0 = performance.now();
  for (let i = 0; i < orders; i++) {
    const key = keys[i & 3]!;
    const u = rnd();
    if (u < 0.25 && live.length > 0) {
      const [k, id] = live.splice(Math.floor(rnd() * live.length), 1)[0]!;
      ex.cancelOrder(k, spec.symbol, { orderId: id });
      continue;
    }
    const side = rnd() < 0.5 ? 'Bid' : 'Ask';
    const cross = u > 0.85;
    const px = side === 'Bid' ? (cross ? 101.05 : 99 + Math.floor(rnd() * 150) / 100) : cross ? 98.95 : 99.5 + Math.floor(rnd() * 150) / 100;
    const r = ex.placeOrder(key, { symbol: spec.symbol, side, orderType: 'Limit', price: px.toFixed(2), quantity: '0.10', timeInForce: cross ? 'IOC' : 'GTC' });
    if (r.ok && r.value.status === 'New') live.push([key, r.value.id]);
    if (live.length > 2000) {
      const [k, id] = live.shift()!;
      ex.cancelOrder(k, spec.symbol, { orderId: id });
    }
  }
  return orders / ((performance.now() - t0) / 1000);
}

/** Messages per second delivered to `clients` loopback websocket clients subscribed to one busy market. */
export async function benchWsFanout(clients = 20, seconds = 3): Promise<number> {
  const sim = await startSim({ port: 0, seed: 5, markets: ['SOL_USDC_PERP'] });
  let received = 0;
  const sockets: WebSocket[] = [];
  try {
    for (let i = 0; i < clients; i++) {
      const ws = new WebSocket(sim.wsUrl);
      await new Promise<void>((r, j) => {
        ws.once('open', () => r());
        ws.once('error', j);
      });
      ws.on('message', () => received++);
      ws.send(JSON.stringify({ method: 'SUBSCRIBE', params: ['depth.SOL_USDC_PERP', 'trade.SOL_USDC_PERP', 'bookTicker.SOL_USDC_PERP'] }));
      sockets.push(ws);
    }
    // Drive the book hard from outside the model so the server, not the model rate, is the limit.
    const stopAt = Date.now() + seconds * 1000;
    const t0 = performance.now();
    received = 0;
    let n = 0;
    while (Date.now() < stopAt) {
      for (let i = 0; i < 200; i++) {
        const px = (170 + (n++ % 500) / 100).toFixed(2);
        sim.exchange.addLiquidity('SOL_USDC_PERP', 'Bid', px, '1');
        sim.exchange.removeLiquidity('SOL_USDC_PERP', 'Bid', px, '1');
      }
      await new Promise((r) => setImmediate(r));
    }
    await new Promise((r) => setTimeout(r, 200));
    return received / ((performance.now() - t0) / 1000);
  } finally {
    for (const ws of sockets) ws.terminate();
    await sim.stop();
  }
}

/** Simulated hours per wall second with SOL/BTC/ETH perps and the model running (no listeners). */
export async function benchVirtualTime(hours = 6): Promise<number> {
  const clock = new VirtualClock();
  const ex = new SimExchange({ clock, seed: 1, markets: ['SOL_USDC_PERP', 'BTC_USDC_PERP', 'ETH_USDC_PERP'] });
  let trades = 0;
  ex.subscribe({ trade: () => trades++, bookChanged: () => undefined });
  ex.start();
  const t0 = performance.now();
  clock.advance(hours * 3_600_000);
  const wall = (performance.now() - t0) / 1000;
  ex.stop();
  if (trades === 0) throw new Error('model produced no trades');
  return hours / wall;
}

// `node --import tsx bench/sim.ts` prints all three.
if (import.meta.url === `file://${process.argv[1]}`) {
  const m = await benchMatching();
  console.log(`matching: ${Math.round(m)} orders/s`);
  const w = await benchWsFanout();
  console.log(`ws fan-out (20 clients): ${Math.round(w)} msgs/s`);
  const v = await benchVirtualTime();
  console.log(`virtual time (3 markets): ${v.toFixed(1)} simulated h per wall s (24 h in ${(24 / v).toFixed(1)} s)`);
}
