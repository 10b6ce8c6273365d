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
