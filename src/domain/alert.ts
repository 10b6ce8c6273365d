// An alert as the core keeps it and publishes it in the snapshot.

/** info: an event (e.g. a fee rate changed), shown once and never active. */
export type AlertLevel = 'info' | 'warn' | 'critical';

export interface AlertView {
  id: string;
  kind: string;
  level: AlertLevel;
  message: string;
  active: boolean;
  raisedAt: number;
  clearedAt: number | null;
}

/** The level of an alert a condition raises (and later clears); info is only ever a one-off notice. */
export type RaisedAlertLevel = Exclude<AlertLevel, 'info'>;
