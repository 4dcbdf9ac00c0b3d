/**
 * The interface's operations as data: path, request schema, success status (v3.13's `SUCCESS`
 * constants in the published resources) and the path parameters that must match the body. The
 * switch's server, the simulators and the client all route from this table, so a path and its
 * success code are spelled exactly once.
 */
import type { z } from 'zod';
import type { SuccessStatus } from './outcome';
import {
  ConfirmationAdvice,
  FaultReportAnswer,
  FaultReportRequest,
  FaultReportResponse,
  KeyChangeConfirmation,
  KeyChangeTokenAnswer,
  KeyChangeTokenRequest,
  KeyChangeTokenResponse,
  MeterLookupAnswer,
  MeterLookupRequest,
  MeterLookupResponse,
  PurchaseAnswer,
  PurchaseRequest,
  PurchaseResponse,
  ReversalAdvice,
  TokenReprintRequest,
} from './schemas';

export const PPU_BASE_PATH = '/prepaidutility/v3';

/** ErrorDetail.requestType as the model enumerates it. */
export type RequestType =
  | 'METER_LOOKUP_REQUEST'
  | 'TOKEN_PURCHASE_REQUEST'
  | 'TOKEN_PURCHASE_RETRY_REQUEST'
  | 'TOKEN_REPRINT_REQUEST'
  | 'FAULT_REPORT_REQUEST'
  | 'KEY_CHANGE_TOKEN_REQUEST'
  | 'CONFIRMATION_ADVICE'
  | 'REVERSAL_ADVICE'
  | 'NOTIFY_TOKEN_PURCHASE'
  | 'TOKEN_PURCHASE_TRIAL_REQUEST';

interface OperationSpec {
  /** Fastify-style route under the base path. */
  readonly route: string;
  /** ErrorDetail.requestType (the model's enum) for errors answering this operation. */
  readonly requestType: RequestType;
  readonly request: z.ZodType;
  readonly response: z.ZodType | null;
  /** How a client reads the success answer (read-side.ts): as the models' binding reads, not as we send. */
  readonly answer: z.ZodType | null;
  readonly successStatus: SuccessStatus;
  /** Path parameter that must equal body.id (or, with `ownBodyId`, names what the request is about). */
  readonly idParam: string;
  /**
   * The body's id is the request's own, not the path's: a retry's path names the purchase, and its
   * body may carry an id of its own (the public test pack's does), which the answer echoes.
   */
  readonly ownBodyId?: true;
  /** Path parameter that must equal body.requestId (advices). */
  readonly requestIdParam?: string;
  /** The published models of the request and of the success answer (names in MODELS.md). */
  readonly models: { readonly request: string; readonly response: string };
}

export const OPERATIONS = {
  meterLookup: {
    route: '/meterLookups/:lookupId',
    requestType: 'METER_LOOKUP_REQUEST',
    request: MeterLookupRequest,
    response: MeterLookupResponse,
    answer: MeterLookupAnswer,
    successStatus: 201,
    idParam: 'lookupId',
    models: { request: 'MeterLookupRequest', response: 'MeterLookupResponse' },
  },
  purchase: {
    route: '/tokenPurchases/:purchaseId',
    requestType: 'TOKEN_PURCHASE_REQUEST',
    request: PurchaseRequest,
    response: PurchaseResponse,
    answer: PurchaseAnswer,
    successStatus: 201,
    idParam: 'purchaseId',
    models: { request: 'PurchaseRequest', response: 'PurchaseResponse' },
  },
  purchaseRetry: {
    route: '/tokenPurchases/:purchaseId/retry',
    requestType: 'TOKEN_PURCHASE_RETRY_REQUEST',
    request: PurchaseRequest,
    response: PurchaseResponse,
    answer: PurchaseAnswer,
    successStatus: 201,
    idParam: 'purchaseId',
    ownBodyId: true,
    models: { request: 'PurchaseRequest', response: 'PurchaseResponse' },
  },
  trialPurchase: {
    route: '/tokenPurchases/:purchaseId/trial',
    requestType: 'TOKEN_PURCHASE_TRIAL_REQUEST',
    request: PurchaseRequest,
    response: PurchaseResponse,
    answer: PurchaseAnswer,
    successStatus: 200,
    idParam: 'purchaseId',
    models: { request: 'PurchaseRequest', response: 'PurchaseResponse' },
  },
  confirmation: {
    route: '/tokenPurchases/:purchaseId/confirmations/:confirmationId',
    requestType: 'CONFIRMATION_ADVICE',
    request: ConfirmationAdvice,
    response: null,
    answer: null,
    successStatus: 202,
    idParam: 'confirmationId',
    requestIdParam: 'purchaseId',
    models: { request: 'ConfirmationAdvice', response: 'BasicAdviceResponse' },
  },
  reversal: {
    route: '/tokenPurchases/:purchaseId/reversals/:reversalId',
    requestType: 'REVERSAL_ADVICE',
    request: ReversalAdvice,
    response: null,
    answer: null,
    successStatus: 202,
    idParam: 'reversalId',
    requestIdParam: 'purchaseId',
    models: { request: 'ReversalAdvice', response: 'BasicAdviceResponse' },
  },
  tokenReprint: {
    route: '/tokenReprints/:reprintId',
    requestType: 'TOKEN_REPRINT_REQUEST',
    request: TokenReprintRequest,
    response: PurchaseResponse,
    answer: PurchaseAnswer,
    successStatus: 200,
    idParam: 'reprintId',
    models: { request: 'TokenReprintRequest', response: 'PurchaseResponse' },
  },
  faultReport: {
    route: '/faultReports/:requestId',
    requestType: 'FAULT_REPORT_REQUEST',
    request: FaultReportRequest,
    response: FaultReportResponse,
    answer: FaultReportAnswer,
    successStatus: 201,
    idParam: 'requestId',
    models: { request: 'FaultReportRequest', response: 'FaultReportResponse' },
  },
  keyChangeToken: {
    route: '/keyChangeTokenRequests/:requestId',
    requestType: 'KEY_CHANGE_TOKEN_REQUEST',
    request: KeyChangeTokenRequest,
    response: KeyChangeTokenResponse,
    answer: KeyChangeTokenAnswer,
    successStatus: 201,
    idParam: 'requestId',
    models: { request: 'KeyChangeTokenRequest', response: 'KeyChangeTokenResponse' },
  },
  keyChangeConfirmation: {
    route: '/keyChangeTokenRequests/:requestId/confirmations/:confirmationId',
    requestType: 'CONFIRMATION_ADVICE',
    request: KeyChangeConfirmation,
    response: null,
    answer: null,
    successStatus: 202,
    idParam: 'confirmationId',
    requestIdParam: 'requestId',
    models: { request: 'KeyChangeConfirmation', response: 'BasicAdviceResponse' },
  },
} as const satisfies Record<string, OperationSpec>;

export type PpuOperation = keyof typeof OPERATIONS;
export type RequestOf<Op extends PpuOperation> = z.infer<(typeof OPERATIONS)[Op]['request']>;

/** Fills a route's parameters: pathFor('purchase', {purchaseId}) → '/prepaidutility/v3/tokenPurchases/…'. */
export function pathFor(op: PpuOperation, params: Record<string, string>): string {
  const parts = routeParts(op);
  let path = PPU_BASE_PATH + parts[0];
  for (let i = 1; i < parts.length; i += 2) {
    const value = params[parts[i]!];
    if (value === undefined) throw new Error(`pathFor(${op}): missing path parameter ${parts[i]}`);
    path += encodeURIComponent(value) + parts[i + 1];
  }
  return path;
}

/** Each route split once, for every request a client sends: its text at even places, its parameters' names at odd ones. */
const splitRoutes = new Map<PpuOperation, readonly string[]>();
function routeParts(op: PpuOperation): readonly string[] {
  let parts = splitRoutes.get(op);
  if (!parts) {
    parts = OPERATIONS[op].route.split(/:([A-Za-z]+)/);
    splitRoutes.set(op, parts);
  }
  return parts;
}
