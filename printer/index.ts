/**
 * Public API of printing: slip model and builders, pure layout, ESC/POS encoding, transports,
 * durable print jobs and the virtual printer. The till back end codes against this file only.
 */
export type { Slip, SlipContext, SlipToken, SlipDebt, SlipServiceCharge, PendingInfo } from './slip';
export { slipFromPurchase, slipFromSlipData, pendingSlip, markReprint, testPageSlip } from './slip';
export type { SlipLines, PrintLine, Paper, LayoutOptions } from './layout';
export { layoutSlip, formatMoney, groupToken, PAPER_DOTS } from './layout';
export type { CommandSet, CodePage, EncodeOptions } from './encode';
export { encodeEscPos, encodeText } from './encode';
