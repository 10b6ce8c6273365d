// src/config/: the settings: every setting's default, meaning and validation (settings.ts, settings-table.ts),
// loading them from file and environment (load.ts), and the one-line ConfigError (this file).
//
/** A configuration problem: printed as one line naming the setting, the value and the fix; exit code 2. */
export class ConfigError extends Error {
  readonly exitCode = 2;
  constructor(
    readonly setting: string,
    message: string,
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}
