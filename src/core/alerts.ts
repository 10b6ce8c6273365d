// Alerts: each condition is logged once when raised and once when cleared (never every tick), queued for
// the next log.txt block, and kept (bounded) for the snapshot.
import type { AlertView, RaisedAlertLevel } from '../domain/alert.js';
import type { Logger } from './ports.js';

const KEEP_CLEARED = 20;

export class AlertBook {
  private readonly byId = new Map<string, AlertView>();
  /** Lines for the next log.txt block. */
  private pendingLines: string[] = [];
  version = 0;

  constructor(
    private readonly logger: Logger,
    private readonly now: () => number,
  ) {}

  /** Raise (or keep raised). Logs only on the transition. */
  raise(id: string, kind: string, level: RaisedAlertLevel, message: string): void {
    const a = this.byId.get(id);
    if (a && a.active) {
      a.message = message; // keep the latest figure without re-logging
      return;
    }
    const now = this.now();
    this.byId.set(id, { id, kind, level, message, active: true, raisedAt: now, clearedAt: null });
    const line = `ALERT ${level.toUpperCase()} [${id}] ${message}`;
    this.logger.warn(line);
    this.pendingLines.push(`${new Date(now).toISOString()} ${line}`);
    this.version++;
    this.trim();
  }

  clear(id: string, note = ''): void {
    const a = this.byId.get(id);
    if (!a || !a.active) return;
    a.active = false;
    a.clearedAt = this.now();
    const line = `ALERT CLEARED [${id}] ${a.kind}${note ? ': ' + note : ''}`;
    this.logger.info(line);
    this.pendingLines.push(`${new Date(a.clearedAt).toISOString()} ${line}`);
    this.version++;
  }

  /**
   * An event worth telling (a fee rate changed), not a condition: logged once, queued for log.txt, kept in
   * the list as already cleared so the dashboard shows it among the recent alerts.
   */
  notice(id: string, kind: string, message: string): void {
    const now = this.now();
    this.byId.delete(id); // a repeat moves to the newest place
    this.byId.set(id, { id, kind, level: 'info', message, active: false, raisedAt: now, clearedAt: now });
    const line = `ALERT INFO [${id}] ${message}`;
    this.logger.info(line);
    this.pendingLines.push(`${new Date(now).toISOString()} ${line}`);
    this.version++;
    this.trim();
  }

  /** Set the alert to `on`: raise or clear accordingly. */
  set(on: boolean, id: string, kind: string, level: RaisedAlertLevel, message: string): void {
    if (on) this.raise(id, kind, level, message);
    else this.clear(id);
  }

  isActive(id: string): boolean {
    return this.byId.get(id)?.active ?? false;
  }

  list(): AlertView[] {
    return [...this.byId.values()].map((a) => ({ ...a }));
  }

  active(): AlertView[] {
    return [...this.byId.values()].filter((a) => a.active);
  }

  /** Take the queued lines (they go into the next log.txt block). */
  drainLines(): string[] {
    const l = this.pendingLines;
    this.pendingLines = [];
    return l;
  }

  private trim(): void {
    const cleared = [...this.byId.values()].filter((a) => !a.active);
    for (let i = 0; i < cleared.length - KEEP_CLEARED; i++) this.byId.delete(cleared[i]!.id);
  }
}
