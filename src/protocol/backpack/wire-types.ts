// Shapes of raw wire values shared by the paper exchange (which writes them) and the client's codec
// (which validates them). Only what both sides name lives here; each side's richer types stay its own.

/** A price level as it travels: [price, quantity] decimal strings (depth snapshots and deltas). */
export type WireLevel = [string, string];
