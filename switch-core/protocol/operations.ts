/**
 * The interface's operations as data: path, request schema, success status and the path
 * parameters that must match the body. The switch's server, the simulators and the client all
 * route from this table, so a path is spelled exactly once.
 */
import type { z } from 'zod';
import {
  ConfirmationAdvice,
  FaultReportRequest,
  FaultReportResponse,
  KeyChangeTokenRequest,
  KeyChangeTokenResponse,
  MeterLookupRequest,
  MeterLookupResponse,
  PurchaseRequest,
  PurchaseResponse,
  ReversalAdvice,
  TokenReprintRequest,
} from './schemas';

export const PPU_BASE_PATH = '/prepaidutility/v3';

interface OperationSpec {
  /** Fastify-style route under the base path. */
  readonly route: string;
  /** Name used in ErrorDetail.requestType and in traces. */
  readonly requestType: string;
  readonly request: z.ZodType;
  readonly response: z.ZodType | null;
  readonly successStatus: 201 | 202;
  /** Path parameter that must equal body.id. */
  readonly idParam: string;
  /** Path parameter that must equal body.requestId (advices). */
  readonly requestIdParam?: string;
}

export const OPERATIONS = {
  meterLookup: {
    route: '/meterLookups/:lookupId',
    requestType: 'METER_LOOKUP_REQUEST',
    request: MeterLookupRequest,
    response: MeterLookupResponse,
    successStatus: 201,
    idParam: 'lookupId',
  },
  purchase: {
    route: '/tokenPurchases/:purchaseId',
    requestType: 'TOKEN_PURCHASE_REQUEST',
    request: PurchaseRequest,
    response: PurchaseResponse,
    successStatus: 201,
    idParam: 'purchaseId',
  },
  purchaseRetry: {
    route: '/tokenPurchases/:purchaseId/retry',
    requestType: 'TOKEN_PURCHASE_RETRY',
    request: PurchaseRequest,
    response: PurchaseResponse,
    successStatus: 201,
    idParam: 'purchaseId',
  },
  trialPurchase: {
    route: '/tokenPurchases/:purchaseId/trial',
    requestType: 'TRIAL_PURCHASE_REQUEST',
    request: PurchaseRequest,
    response: PurchaseResponse,
    successStatus: 201,
    idParam: 'purchaseId',
  },
  confirmation: {
    route: '/tokenPurchases/:purchaseId/confirmations/:confirmationId',
    requestType: 'TOKEN_PURCHASE_CONFIRMATION',
    request: ConfirmationAdvice,
    response: null,
    successStatus: 202,
    idParam: 'confirmationId',
    requestIdParam: 'purchaseId',
  },
  reversal: {
    route: '/tokenPurchases/:purchaseId/reversals/:reversalId',
    requestType: 'TOKEN_PURCHASE_REVERSAL',
    request: ReversalAdvice,
    response: null,
    successStatus: 202,
    idParam: 'reversalId',
    requestIdParam: 'purchaseId',
  },
  tokenReprint: {
    route: '/tokenReprints/:reprintId',
    requestType: 'TOKEN_REPRINT_REQUEST',
    request: TokenReprintRequest,
    response: PurchaseResponse,
    successStatus: 201,
    idParam: 'reprintId',
  },
  faultReport: {
    route: '/faultReports/:requestId',
    requestType: 'FAULT_REPORT_REQUEST',
    request: FaultReportRequest,
    response: FaultReportResponse,
    successStatus: 201,
    idParam: 'requestId',
  },
  keyChangeToken: {
    route: '/keyChangeTokenRequests/:requestId',
    requestType: 'KEY_CHANGE_TOKEN_REQUEST',
    request: KeyChangeTokenRequest,
    response: KeyChangeTokenResponse,
    successStatus: 201,
    idParam: 'requestId',
  },
  keyChangeConfirmation: {
    route: '/keyChangeTokenRequests/:requestId/confirmations/:confirmationId',
    requestType: 'KEY_CHANGE_TOKEN_CONFIRMATION',
    request: ConfirmationAdvice,
    response: null,
    successStatus: 202,
    idParam: 'confirmationId',
    requestIdParam: 'requestId',
  },
} as const satisfies Record<string, OperationSpec>;

export type PpuOperation = keyof typeof OPERATIONS;
export type RequestOf<Op extends PpuOperation> = z.infer<(typeof OPERATIONS)[Op]['request']>;

/** Fills a route's parameters: pathFor('purchase', {purchaseId}) → '/prepaidutility/v3/tokenPurchases/…'. */
export function pathFor(op: PpuOperation, params: Record<string, string>): string {
  const filled = OPERATIONS[op].route.replace(/:([A-Za-z]+)/g, (_m, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`pathFor(${op}): missing path parameter ${name}`);
    return encodeURIComponent(value);
  });
  return PPU_BASE_PATH + filled;
}
