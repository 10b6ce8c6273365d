// clientIds are uint32. The high byte is fixed to this bot's namespace so that, after a crash, the bot can
// recognise and cancel ITS orphaned orders without touching orders placed by a human or another bot on
// the same account. The low 24 bits are a counter seeded from the clock, so a restart does not reuse the
// ids of orders the previous run left on the exchange ("Order with client ID already exists").

export const CLIENT_ID_NAMESPACE = 0xa7;
const LOW_MASK = 0xffffff;

export function isOurClientId(id: number | null | undefined): boolean {
  return typeof id === 'number' && Number.isInteger(id) && id >= 0 && id <= 0xffffffff && id >>> 24 === CLIENT_ID_NAMESPACE;
}

export class ClientIdAllocator {
  private counter: number;

  /**
   * seedMs: typically clock.now(). The counter starts at (seedMs / 20) mod 2^24: a restart stays clear of
   * the previous run's ids as long as that run used fewer than 50 ids per second (the bot uses a few), and
   * the seed only repeats after ~93 hours.
   */
  constructor(seedMs: number) {
    this.counter = Math.floor(seedMs / 20) & LOW_MASK;
  }

  next(): number {
    this.counter = (this.counter + 1) & LOW_MASK;
    return ((CLIENT_ID_NAMESPACE << 24) >>> 0) + this.counter;
  }
}
