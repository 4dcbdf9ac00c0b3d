/**
 * The TillApi's transport constants, apart from the contract's schemas so that the renderer's client
 * (http-client.ts) imports values from here and only types from the contract: zod stays out of the
 * screens' bundle.
 */

export const IPC_CHANNEL = 'till:invoke';
export const TOKEN_HEADER = 'x-till-token';
export const TOKEN_QUERY = 'token';
export const API_PREFIX = '/api/';
/** Where vite puts the built renderer, relative to the repository root; the browser host serves it. */
export const RENDERER_DIST = 'dist/renderer';
/**
 * The id of the `<script type="application/json">` the browser host writes into the page it serves:
 * the session's answer for that browser, so the first screen needs no round trip (a data block, not
 * run, so the CSP's script-src does not apply).
 */
export const PAGE_SESSION_ID = 'till-session';
