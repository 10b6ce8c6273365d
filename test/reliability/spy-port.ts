// An ExchangePort that forwards everything to the real one and records what the core did and what it
// knew when it did it: for every placement, whether the symbol's book was valid and the streams up.
// Scenarios use it to prove ordering properties ("no order between a depth gap and the resync").
import type { ExchangeMetrics, ExchangePort } from '../../src/exchange/port.js';
import type { ExchangeEvent, Outcome } from '../../src/exchange/types.js';
import type { OrderInfo, OrderRequest } from '../../src/domain/order.js';
import type { Clock } from '../../src/util/clock.js';

export interface Placement {
  t: number;
  req: OrderRequest;
  bookValid: boolean;
  connUp: boolean;
  outcome: Outcome<OrderInfo>['kind'] | 'threw' | null;
}

export interface SeenEvent {
  t: number;
  type: ExchangeEvent['type'];
  symbol: string | null;
  detail: string | null;
}

export class SpyPort implements ExchangePort {
  readonly placements: Placement[] = [];
  readonly events: SeenEvent[] = [];
  readonly bookValid = new Map<string, boolean>();
  connUp = false;
  findOrderCalls = 0;
  cancelCalls = 0;

  constructor(
    readonly inner: ExchangePort,
    private readonly clock: Clock,
  ) {}

  get host(): string {
    return this.inner.host;
  }
  metrics(): ExchangeMetrics {
    return this.inner.metrics();
  }
  start(symbols: string[], onEvent: (e: ExchangeEvent) => void): Promise<void> {
    return this.inner.start(symbols, (e) => {
      this.note(e);
      onEvent(e);
    });
  }
  private note(e: ExchangeEvent): void {
    const t = this.clock.now();
    switch (e.type) {
      case 'book':
        if (this.bookValid.get(e.symbol) !== true) this.events.push({ t, type: 'book', symbol: e.symbol, detail: 'valid' });
        this.bookValid.set(e.symbol, true);
        return;
      case 'bookInvalid':
        this.bookValid.set(e.symbol, false);
        this.events.push({ t, type: e.type, symbol: e.symbol, detail: e.reason });
        return;
      case 'connection':
        if (e.state === 'down') this.connUp = false;
        else this.connUp = true;
        this.events.push({ t, type: e.type, symbol: null, detail: e.state });
        return;
      default:
        return;
    }
  }
  stop(): Promise<void> {
    return this.inner.stop();
  }
  getMarkets() {
    return this.inner.getMarkets();
  }
  placeOrder(req: OrderRequest): Promise<Outcome<OrderInfo>> {
    const p: Placement = { t: this.clock.now(), req, bookValid: this.bookValid.get(req.symbol) === true, connUp: this.connUp, outcome: null };
    this.placements.push(p);
    return this.inner.placeOrder(req).then(
      (o) => {
        p.outcome = o.kind;
        return o;
      },
      (e: unknown) => {
        p.outcome = 'threw';
        throw e;
      },
    );
  }
  cancelOrder(symbol: string, id: { orderId: string } | { clientId: number }) {
    this.cancelCalls++;
    return this.inner.cancelOrder(symbol, id);
  }
  cancelAll(symbol: string) {
    return this.inner.cancelAll(symbol);
  }
  getOpenOrders(symbol?: string) {
    return this.inner.getOpenOrders(symbol);
  }
  findOrder(symbol: string, clientId: number) {
    this.findOrderCalls++;
    return this.inner.findOrder(symbol, clientId);
  }
  getPositions() {
    return this.inner.getPositions();
  }
  getBalances() {
    return this.inner.getBalances();
  }
  getCollateral() {
    return this.inner.getCollateral();
  }
  getAccountFees() {
    return this.inner.getAccountFees();
  }
  getFills(q: Parameters<ExchangePort['getFills']>[0]) {
    return this.inner.getFills(q);
  }
  getFundingHistory(q: { symbol?: string; limit?: number; offset?: number }) {
    return this.inner.getFundingHistory(q);
  }
  getMarkPrice(symbol: string) {
    return this.inner.getMarkPrice(symbol);
  }
}
