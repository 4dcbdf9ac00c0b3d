/**
 * The screens' handle on the back end: the connection electron/api/http-client.ts makes (the client
 * the host tests drive), opened once when the page loads.
 */
import { connectTill } from '../../electron/api/http-client';

const till = connectTill();
const token = till.token;
export const call = till.invoke;

/** A file URL for a virtual printer job in browser mode. */
export const withToken = (url: string) => `${url}${url.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}`;
