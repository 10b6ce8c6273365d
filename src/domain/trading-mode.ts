// How a symbol trades. TradingMode is the effective mode (the operator's, raised by risk); OperatorMode
// the part the operator sets and a restart keeps (HALTED is only ever raised, never set).
export type TradingMode = 'ACTIVE' | 'PAUSED' | 'REDUCING' | 'HALTED';
export type OperatorMode = Exclude<TradingMode, 'HALTED'>;

/** Why the side: inventory rule, taker flow (fresh or held), exit escalation, or (spot) the only side the balance funds. */
export type SideReason = 'inventory' | 'flow' | 'hold' | 'none' | 'escalation' | 'funds';
