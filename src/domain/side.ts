// The side of an order, a fill or a book level, in the exchange's own names (Bid = buy, Ask = sell).
// The tape's and the flow signal's 'buy' / 'sell' name the aggressor's direction of a market trade, a
// different concept (see src/tape/types.ts, src/core/flow.ts).
export type Side = 'Bid' | 'Ask';

export const opposite = (s: Side): Side => (s === 'Bid' ? 'Ask' : 'Bid');
