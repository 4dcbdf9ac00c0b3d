/** Console view from the seeds: routing preferences per utility (view only). */
import { useEffect, useState } from 'react';
import type { ApiError, RoutingUtility } from '../../../electron/api/contract';
import { call } from '../api';
import { Err } from './ErrorLine';

const names = (l: { id: string; name: string }[]) => (l.length ? l.map((p) => p.name).join(', ') : '—');
export function Routing() {
  const [rows, setRows] = useState<RoutingUtility[]>([]);
  const [err, setErr] = useState<ApiError | null>(null);
  useEffect(() => void call('routing', {}).then((r) => (r.ok ? setRows(r.value.utilities) : setErr(r.error))), []);
  return (
    <section aria-labelledby="r-h">
      <h1 id="r-h">Routing preferences</h1>
      <p className="hint">View only. To change a routing order, contact switch support.</p>
      <Err e={err} />
      <table>
        <thead><tr><th>Utility</th><th>Ranked providers</th><th>Unranked</th><th>Excluded / disallowed</th><th>Unconfirmed</th><th>Meter count</th></tr></thead>
        <tbody>
          {rows.map((u) => (
            <tr key={u.id} data-testid="routing-row">
              <td>{u.name}</td>
              <td><ol className="ranked">{u.ranked.map((p) => <li key={p.id}>{p.name}</li>)}</ol></td>
              <td>{names(u.unranked)}</td><td>{names(u.excluded)}</td><td>{names(u.unconfirmed)}</td><td data-testid="meter-count">{u.meterCount}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
