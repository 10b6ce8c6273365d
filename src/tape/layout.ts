// The byte layout of a tape (version 1), shared by the encoder and the decoder; docs/TAPES.md is its prose.
// The decompressed stream is MAGIC, then records: kind (1 byte) + payload length (unsigned varint) +
// payload. The length lets a reader skip kinds it does not know and detect a record cut off by a crash.
// Integers are LEB128 varints ("uvarint"); signed ones are zigzag-mapped first ("svarint"). Times, trade
// ids, bbo ids and prices inside a record are delta-coded against the previous value, which keeps most
// fields to one or two bytes before gzip.

/** "THTAPE", a zero byte, and the layout's major version. */
export const MAGIC = Uint8Array.from([0x54, 0x48, 0x54, 0x41, 0x50, 0x45, 0x00, 0x01]);

export const KIND = {
  header: 0x48, // 'H' JSON TapeHeader
  snapshot: 0x53, // 'S'
  diff: 0x44, // 'D'
  trade: 0x54, // 'T'
  bbo: 0x42, // 'B'
  mark: 0x4d, // 'M'
  gap: 0x47, // 'G'
  end: 0x45, // 'E' JSON TapeFooter
} as const;

// Flag bits, per record kind.
export const SNAP_SEQ = 1;
export const SNAP_CARRIED = 2;

export const DIFF_FIRST = 1;
export const DIFF_LAST = 2;
export const DIFF_PREV = 4;

export const TRADE_SIDE_BUY = 1;
export const TRADE_SIDE_SELL = 2;
export const TRADE_ID_INT = 1 << 2;
export const TRADE_ID_TEXT = 2 << 2;
export const TRADE_ID_MASK = 3 << 2;

export const BBO_BID = 1;
export const BBO_ASK = 2;
export const BBO_DERIVED = 4;
export const BBO_CARRIED = 8;
export const BBO_ID = 16;

export const MARK_INDEX = 1;
export const MARK_FUNDING = 2;
export const MARK_NEXT = 4;

export const GAP_SINCE = 1;
export const GAP_EXPECTED = 2;
export const GAP_GOT = 4;

/** Largest magnitude a signed field may have: zigzag doubles it and the result must stay an exact double. */
export const MAX_SIGNED = 2 ** 52 - 1;
