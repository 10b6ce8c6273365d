// The error of the order lane (http-lane.ts) and its response parser: `code` mirrors undici's error codes
// (UND_ERR_TIMEOUT, UND_ERR_SOCKET, ...) so the REST transport classifies both transports the same way.

export class LaneError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'LaneError';
  }
}
