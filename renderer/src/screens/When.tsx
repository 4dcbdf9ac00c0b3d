/** A time as "5 min ago", the exact local time on hover (and for screen readers via dateTime). */
import { ago, exactTime } from '../format';

export const When = ({ iso }: { iso: string }) => <time dateTime={iso} title={exactTime(iso)}>{ago(iso)}</time>;
