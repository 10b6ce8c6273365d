// The recorder (`tierhunter record`): Backpack's public streams for some symbols -> one tape per symbol per
// rotation. It uses the bot's own websocket manager (reconnect with back-off, watchdog, resubscribe) and
// REST client (rate limit, timeouts, retries). Per symbol: depth.<s>, trade.<s>, bookTicker.<s> and, for
// perps, markPrice.<s>; a REST depth snapshot after every (re)connect and whenever the book loses its
// chain. Nothing is lost silently: a closed socket, an unreadable frame, a sequence break, a snapshot that
// cannot be joined, each is a gap record in the tapes it concerns (docs/TAPES.md).
//
// Local times are µs from a monotonic clock anchored to the wall clock at start (an NTP step cannot make
// a tape go backwards); a message's time is its arrival at the websocket layer.
import { mkdir } from 'node:fs/promises';
import type { Settings } from '../../config/settings.js';
import { BackpackRest } from '../../exchange/backpack/rest.js';
import { BackpackWs } from '../../exchange/backpack/ws.js';
import type { MarketInfo } from '../../domain/market.js';
import { coreVersion } from '../../runtime/version.js';
import { SystemClock, type TimerHandle } from '../../util/clock.js';
import { scaleOf } from '../../util/decimal.js';
import { STREAMS, TAPE_FORMAT, TAPE_VERSION, type StreamName, type TapeEvent, type TapeHeader } from '../types.js';
import { bookTickerEvent, depthEvent, markPriceEvent, ScaleError, snapshotEvent, tradeEvent, WireError } from './backpack.js';
import { SymbolTape } from './symbol-tape.js';

export type RecorderSettings = Pick<Settings, 'restRateLimit' | 'requestTimeoutMs' | 'recvWindowMs' | 'wsWatchdogSec'>;

export interface RecorderOptions {
  restUrl: string;
  wsUrl: string;
  symbols: string[];
  dir: string;
  settings: RecorderSettings;
  /** Start a new file per symbol at every multiple of this many ms of wall time; null: one file until stopped. */
  rotateMs: number | null;
  /** How often buffered data is pushed to the files (a crash loses at most this much). Default 2000 ms. */
  flushMs?: number;
  /** Websocket reconnect back-off base (tests make it short). */
  wsBackoffBaseMs?: number;
  log?: (line: string) => void;
  /**
   * A tape could not be written (disk full, permissions): recording cannot go on without losing data
   * silently. Called once; the CLI stops and exits 1 so the supervisor (pm2) sees it.
   */
  onFatal?: (err: Error) => void;
}

export class UnknownSymbolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnknownSymbolError';
  }
}

interface RecordingState {
  tape: SymbolTape;
  perp: boolean;
  lost: StreamName[];
  snapshotInflight: boolean;
  snapshotTimer: TimerHandle | null;
  snapshotAttempts: number;
  /** Bumped when the socket drops: a snapshot fetched before that is of the old connection. */
  generation: number;
  snapshots: number;
}

export class Recorder {
  private readonly clock = new SystemClock();
  private readonly rest: BackpackRest;
  private ws: BackpackWs | null = null;
  private readonly syms = new Map<string, RecordingState>();
  private readonly wallAnchorUs = Date.now() * 1000;
  private readonly hrAnchor = process.hrtime.bigint();
  private rotateTimer: TimerHandle | null = null;
  private flushTimer: TimerHandle | null = null;
  private rotating: Promise<unknown> = Promise.resolve();
  private stopped = false;
  private failed = false;
  private readonly log: (line: string) => void;

  private constructor(private readonly opts: RecorderOptions) {
    this.rest = new BackpackRest({ restUrl: opts.restUrl, keys: null, settings: opts.settings, clock: this.clock });
    this.log = opts.log ?? (() => undefined);
  }

  /** Look the symbols up, open their tapes and start the streams. Throws UnknownSymbolError for a bad symbol. */
  static async start(opts: RecorderOptions): Promise<Recorder> {
    const r = new Recorder(opts);
    try {
      await r.begin();
    } catch (e) {
      await r.rest.close();
      throw e;
    }
    return r;
  }

  /** Local time now (µs, monotonic). */
  nowUs(ns: bigint = process.hrtime.bigint()): number {
    return this.wallAnchorUs + Number((ns - this.hrAnchor) / 1000n);
  }

  private async begin(): Promise<void> {
    await mkdir(this.opts.dir, { recursive: true });
    const markets = await this.rest.markets();
    const known = new Map(markets.map((m) => [m.symbol, m]));
    const missing = this.opts.symbols.filter((s) => !known.has(s));
    if (missing.length > 0) throw new UnknownSymbolError(`--symbols: ${missing.join(',')} not listed by ${this.opts.restUrl}/api/v1/markets (spot and perp markets only)`);
    const startUs = this.nowUs();
    for (const s of this.opts.symbols) {
      const m = known.get(s)!;
      const perp = m.marketType === 'PERP';
      const tape = await SymbolTape.open({ dir: this.opts.dir, header: this.header(m), startUs });
      this.syms.set(s, { tape, perp, lost: perp ? [...STREAMS] : STREAMS.filter((x) => x !== 'mark'), snapshotInflight: false, snapshotTimer: null, snapshotAttempts: 0, generation: 0, snapshots: 0 });
      this.log(`recording ${s} -> ${tape.path}.part`);
    }
    const streams: string[] = [];
    for (const [s, st] of this.syms) {
      streams.push(`depth.${s}`, `trade.${s}`, `bookTicker.${s}`);
      if (st.perp) streams.push(`markPrice.${s}`);
    }
    const ws = new BackpackWs(
      { url: this.opts.wsUrl, signer: null, watchdogSec: this.opts.settings.wsWatchdogSec, recvWindowMs: this.opts.settings.recvWindowMs, clock: this.clock, ...(this.opts.wsBackoffBaseMs !== undefined ? { backoffBaseMs: this.opts.wsBackoffBaseMs } : {}) },
      {
        onMessage: (stream, data, recvNs) => this.guard(() => this.onMessage(stream, data, recvNs)),
        onOpen: (reconnect) => {
          this.log(reconnect ? 'websocket reconnected: fetching snapshots' : 'websocket open');
          for (const s of this.syms.keys()) this.requestSnapshot(s);
        },
        onClose: (reason) => this.guard(() => this.onClose(reason)),
        onConnectFailed: (reason) => this.log(`websocket connect failed: ${reason}`),
        onServerError: (code, message) => this.log(`websocket error frame ${String(code)}: ${message}`),
        onUnreadable: () =>
          this.guard(() => {
            // The frame named no stream we can trust: any symbol's any stream may have lost it.
            const t = this.nowUs();
            for (const st of this.syms.values()) st.tape.gap(t, 'malformed', st.lost, 'an unreadable websocket frame: which stream it belonged to is unknown');
            for (const s of this.syms.keys()) this.requestSnapshot(s);
          }),
      },
    );
    this.ws = ws;
    ws.subscribe(streams);
    ws.start();
    this.flushTimer = this.clock.setInterval(() => void this.flushAll(), this.opts.flushMs ?? 2000);
    this.scheduleRotation();
  }

  private header(m: MarketInfo, minScales?: { price: number; qty: number }): TapeHeader {
    return {
      format: TAPE_FORMAT,
      version: TAPE_VERSION,
      venue: 'backpack',
      symbol: m.symbol,
      market: m.marketType === 'PERP' ? 'perp' : 'spot',
      priceScale: Math.max(scaleOf(m.tickSize), minScales?.price ?? 0),
      qtyScale: Math.max(scaleOf(m.stepSize), minScales?.qty ?? 0),
      tickSize: m.tickSize.toFixed(),
      stepSize: m.stepSize.toFixed(),
      qtyUnit: 'base',
      contractSize: null,
      contractCurrency: null,
      seqRule: 'next-id',
      source: { kind: 'record', inputs: [new URL(this.opts.restUrl).host, new URL(this.opts.wsUrl).host], licence: null, note: 'Backpack public market data recorded by tierhunter record' },
      writer: { name: 'tierhunter', version: coreVersion(), command: 'record' },
      createdAt: new Date().toISOString(),
    };
  }

  /**
   * Run a handler that writes to the tapes. The websocket layer would count a throw as a bad frame and go on;
   * a write that fails must stop the recording instead (anything after it would be lost without a gap).
   */
  private guard(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      if (this.failed) return;
      this.failed = true;
      this.log(`cannot write the tapes: ${e.message}`);
      this.opts.onFatal?.(e);
    }
  }

  private onMessage(stream: string, data: unknown, recvNs: bigint): void {
    if (this.stopped) return;
    const dot = stream.indexOf('.');
    const kind = stream.slice(0, dot);
    const st = this.syms.get(stream.slice(dot + 1));
    if (!st) return;
    const t = this.nowUs(recvNs);
    const sc = st.tape.scales;
    let e: TapeEvent;
    try {
      if (kind === 'depth') e = depthEvent(t, data, sc);
      else if (kind === 'trade') e = tradeEvent(t, data, sc);
      else if (kind === 'bookTicker') e = bookTickerEvent(t, data, sc);
      else if (kind === 'markPrice') e = markPriceEvent(t, data);
      else return;
    } catch (err) {
      if (!(err instanceof WireError) && !(err instanceof ScaleError)) throw err;
      const lost: StreamName = kind === 'depth' ? 'depth' : kind === 'trade' ? 'trade' : kind === 'bookTicker' ? 'bbo' : 'mark';
      st.tape.gap(t, 'malformed', [lost], `${stream}: ${err.message}`);
      this.log(`${st.tape.symbol}: unreadable ${stream} message (${err.message})`);
      if (err instanceof ScaleError) this.rescale(st, err.value);
      if (lost === 'depth') this.requestSnapshot(st.tape.symbol);
      return;
    }
    st.tape.push(e);
    if (e.type === 'diff' && !st.tape.synced) this.requestSnapshot(st.tape.symbol);
  }

  private onClose(reason: string): void {
    if (this.stopped) return;
    const t = this.nowUs();
    this.log(`websocket closed (${reason}): gap recorded, reconnecting`);
    for (const st of this.syms.values()) {
      st.generation++;
      st.tape.gap(t, 'reconnect', st.lost, `websocket closed: ${reason}`);
    }
  }

  /** Fetch a REST snapshot for a symbol unless one is on its way (after a back-off when the last one failed). */
  private requestSnapshot(symbol: string): void {
    const st = this.syms.get(symbol);
    if (!st || this.stopped || st.snapshotInflight || st.snapshotTimer || !this.ws?.connected) return;
    const delay = st.snapshotAttempts === 0 ? 0 : Math.min(5000, 100 * 2 ** Math.min(st.snapshotAttempts, 6));
    st.snapshotTimer = this.clock.setTimeout(() => {
      st.snapshotTimer = null;
      void this.fetchSnapshot(symbol, st);
    }, delay);
  }

  private async fetchSnapshot(symbol: string, st: RecordingState): Promise<void> {
    if (this.stopped || st.tape.synced || !this.ws?.connected) return;
    st.snapshotInflight = true;
    const gen = st.generation;
    st.snapshotAttempts++;
    try {
      const snap = await this.rest.depth(symbol, 1000);
      if (this.stopped) return;
      // Fetched across a reconnect: it belongs to the old connection's stream.
      if (gen !== st.generation) return;
      const e = snapshotEvent(this.nowUs(), snap, st.tape.scales);
      this.guard(() => st.tape.push(e));
      st.snapshots++;
      if (st.tape.synced) {
        st.snapshotAttempts = 0;
        this.log(`${symbol}: snapshot ${snap.lastUpdateId} loaded`);
      } else this.log(`${symbol}: snapshot ${snap.lastUpdateId} could not be joined to the diffs; retrying`);
    } catch (err) {
      if (err instanceof ScaleError) this.rescale(st, err.value);
      this.log(`${symbol}: snapshot failed (${err instanceof Error ? err.message : String(err)}); retrying`);
    } finally {
      st.snapshotInflight = false;
      if (!this.stopped && !st.tape.synced) this.requestSnapshot(symbol);
    }
  }

  /** A value finer than the tape's scale (the market's tick or step changed): continue in a finer file. */
  private rescale(st: RecordingState, value: string): void {
    const dot = value.indexOf('.');
    const decimals = dot < 0 ? 0 : value.replace(/0+$/, '').length - dot - 1;
    this.rotating = this.rotating.then(async () => {
      const m = await this.rest.market(st.tape.symbol);
      const cur = st.tape.scales;
      const h = this.header(m, { price: Math.max(cur.price, decimals), qty: Math.max(cur.qty, decimals) });
      const closed = await st.tape.rotate(this.nowUs(), h);
      this.log(`${st.tape.symbol}: a value needs more decimals than the file's scale; closed ${closed}, continuing at price scale ${h.priceScale}, qty scale ${h.qtyScale}`);
    }).catch((e: unknown) => this.log(`${st.tape.symbol}: rescale failed: ${e instanceof Error ? e.message : String(e)}`));
  }

  private scheduleRotation(): void {
    const every = this.opts.rotateMs;
    if (every === null || this.stopped) return;
    const now = Date.now();
    const next = (Math.floor(now / every) + 1) * every;
    this.rotateTimer = this.clock.setTimeout(() => {
      this.rotateTimer = null;
      this.rotating = this.rotating.then(() => this.rotateAll()).catch((e: unknown) => this.log(`rotation failed: ${e instanceof Error ? e.message : String(e)}`));
      this.scheduleRotation();
    }, next - now);
  }

  private async rotateAll(): Promise<void> {
    if (this.stopped) return;
    const t = this.nowUs();
    for (const st of this.syms.values()) {
      const closed = await st.tape.rotate(t);
      this.log(`${st.tape.symbol}: closed ${closed}; now ${st.tape.path}.part`);
    }
  }

  private async flushAll(): Promise<void> {
    for (const st of this.syms.values()) await st.tape.flush().catch((e: unknown) => this.log(`${st.tape.symbol}: flush failed: ${String(e)}`));
  }

  /** Counters per symbol (events written by type, gap records by reason, snapshots loaded, files closed). */
  status(): Record<string, { events: number; counts: Record<TapeEvent['type'], number>; gaps: Record<string, number>; snapshots: number; synced: boolean; file: string; closed: string[] }> {
    const out: ReturnType<Recorder['status']> = {};
    for (const [s, st] of this.syms) out[s] = { events: st.tape.events, counts: { ...st.tape.counts }, gaps: { ...st.tape.gaps }, snapshots: st.snapshots, synced: st.tape.synced, file: st.tape.path, closed: [...st.tape.closed] };
    return out;
  }

  /** Stop the streams and close every file completely. Returns every file written. */
  async stop(): Promise<string[]> {
    if (this.stopped) return [];
    this.stopped = true;
    this.clock.clear(this.rotateTimer);
    this.clock.clear(this.flushTimer);
    for (const st of this.syms.values()) this.clock.clear(st.snapshotTimer);
    await this.ws?.stop();
    await this.rotating;
    const files: string[] = [];
    for (const st of this.syms.values()) {
      await st.tape.close('shutdown');
      files.push(...st.tape.closed);
    }
    await this.rest.close();
    return files;
  }
}
