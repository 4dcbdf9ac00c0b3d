/**
 * The manager's operators panel (in Settings): who may sign in, who must still choose their own PIN,
 * who is locked out by wrong PINs (with Unlock), and a form to add an operator or give one a new PIN
 * (which that operator must replace at their next sign-in).
 */
import { useEffect, useState } from 'react';
import type { ApiError, OperatorView, Role } from '../../../electron/api/contract';
import { call } from '../api';
import { useTill } from '../store';
import { Err } from './ErrorLine';
import { When } from './When';

export function Operators() {
  const [list, setList] = useState<OperatorView[]>([]);
  const [err, setErr] = useState<ApiError | null>(null);
  const [msg, setMsg] = useState<string | null>(null);
  const me = useTill((s) => s.session?.operator?.id);
  const blank = { id: '', name: '', role: 'cashier' as Role, pin: '', currentPin: '' };
  const [form, setForm] = useState(blank);
  const own = form.id.trim() === me;
  const load = () => void call('listOperators', {}).then((r) => (r.ok ? setList(r.value) : setErr(r.error)));
  useEffect(load, []);

  const unlock = async (o: OperatorView) => {
    const r = await call('unlockOperator', { operatorId: o.id });
    setErr(r.ok ? null : r.error);
    if (r.ok) setMsg(`${o.name} can sign in again.`);
    load();
  };
  const save = async () => {
    const r = await call('saveOperator', { id: form.id.trim(), name: form.name.trim(), role: form.role, ...(form.pin ? { pin: form.pin } : {}), ...(form.pin && own ? { currentPin: form.currentPin } : {}) });
    setErr(r.ok ? null : r.error);
    if (r.ok) {
      setMsg(form.pin && !own ? `Saved. ${r.value.name} chooses their own PIN at the next sign-in.` : `Saved ${r.value.name}.`);
      setForm(blank);
    }
    load();
  };

  return (
    <section aria-labelledby="ops-h">
      <h2 id="ops-h">Operators</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">Operator</th>
            <th scope="col">Role</th>
            <th scope="col">PIN</th>
            <th scope="col">Sign-in</th>
          </tr>
        </thead>
        <tbody>
          {list.map((o) => (
            <tr key={o.id}>
              <td>
                {o.name} <span className="muted">({o.id})</span>
              </td>
              <td>{o.role === 'manager' ? 'Manager' : 'Cashier'}</td>
              <td>{o.mustChangePin ? 'Must choose a new PIN at sign-in' : 'Chosen by the operator'}</td>
              <td>
                {o.lockedUntil ? (
                  <>
                    Locked after wrong PINs until <When iso={o.lockedUntil} />{' '}
                    <button className="btn small" onClick={() => void unlock(o)}>
                      Unlock {o.name}
                    </button>
                  </>
                ) : (
                  'Open'
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form
        className="group"
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <h3>Add an operator or give one a new PIN</h3>
        <label htmlFor="op-id">Operator id</label>
        <input id="op-id" value={form.id} onChange={(e) => setForm({ ...form, id: e.target.value })} />
        <label htmlFor="op-name">Name</label>
        <input id="op-name" value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />
        <label htmlFor="op-role">Role</label>
        <select id="op-role" value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value === 'manager' ? 'manager' : 'cashier' })}>
          <option value="cashier">Cashier</option>
          <option value="manager">Manager</option>
        </select>
        <label htmlFor="op-pin">{own ? 'Your new PIN' : 'New PIN (they replace it at their next sign-in)'}</label>
        <input id="op-pin" type="password" inputMode="numeric" value={form.pin} onChange={(e) => setForm({ ...form, pin: e.target.value })} autoComplete="new-password" />
        {own && form.pin && (
          <>
            <label htmlFor="op-current">Your current PIN</label>
            <input id="op-current" type="password" inputMode="numeric" value={form.currentPin} onChange={(e) => setForm({ ...form, currentPin: e.target.value })} autoComplete="current-password" />
          </>
        )}
        <button className="btn" type="submit">
          Save operator
        </button>
      </form>
      <Err e={err} />
      {msg && <p role="status">{msg}</p>}
    </section>
  );
}
