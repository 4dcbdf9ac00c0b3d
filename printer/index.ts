/**
 * Public API of printing: slip model and builders, pure layout, ESC/POS encoding, transports,
 * durable print jobs and the virtual printer. The till back end codes against this file only.
 */
export type { Slip, SlipContext, SlipToken, SlipDebt, SlipPayment, PendingInfo } from './slip';
export { slipFromPurchase, slipFromSlipData, pendingSlip, markReprint, testPageSlip } from './slip';
export type { SlipLines, PrintLine, Paper, LayoutOptions } from './layout';
export { layoutSlip, groupToken, PAPER_DOTS } from './layout';
export type { CommandSet, CodePage, EncodeOptions, DrawerPulse } from './encode';
export { encodeEscPos, encodeText, encodeDrawerKick } from './encode';
export { decodeStar } from './decode-star';
export type { DecodedCommand } from './decode';
export { decodeEscPos } from './decode';
export { renderSlipPng, slipText } from './render';
export type { VirtualJob, VirtualPrinter, VirtualPrinterOptions, VirtualStatus, DrawerKick } from './virtual';
export { startVirtualPrinter } from './virtual';
export type { ThreadedVirtualPrinter } from './virtual-thread';
export { startThreadedVirtualPrinter } from './virtual-thread';
export type { PrinterConfig, PrinterStatus, Transport, SerialPortInfo } from './transport';
export { createTransport, listSerialPorts, PrinterError } from './transport';
export type { PrinterAddress, PrinterTarget, AddressResult } from './address';
export { parsePrinterAddress, formatPrinterAddress } from './address';
export type { PrinterIdentity } from './identify';
export { paperForModel } from './identify';
export type { PrintJob, JobState } from './jobs/store';
export { PrintJobStore } from './jobs/store';
export type { PrintQueueDeps, DrainResult } from './jobs/queue';
export { PrintQueue } from './jobs/queue';
