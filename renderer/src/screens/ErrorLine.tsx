/** The back end's own plain-words error under a screen's controls (announced to screen readers). */
import type { ApiError } from '../../../electron/api/contract';

export const Err = ({ e }: { e: ApiError | null }) => (e ? <p role="alert" className="state failed">{e.message}</p> : null);
