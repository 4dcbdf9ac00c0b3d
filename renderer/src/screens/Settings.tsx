/**
 * Manager: the till's settings (switch and its credentials, merchant and terminal ids, printer
 * address, paper width and cash drawer wiring, timeouts), "Test connection", "Print test page" and
 * "Open drawer (no sale)" with its reason. The whole form is saved at once;
 * the back end refuses it whole with a reason per field, shown beside each field.
 */
import { useEffect, useState } from 'react';
import type { ApiError, SerialPortView, SettingsPatch, TillSettings } from '../../../electron/api/contract';
import { call } from '../api';
import { Err } from './ErrorLine';
import { Operators } from './Operators';

type Form = Omit<TillSettings, 'switchPasswordSet' | 'switchPasswordEncrypted' | 'timeZoneInForce'> & { switchPassword: string };

const ID_FIELDS: { key: keyof Form & string; label: string }[] = [
  { key: 'terminalId', label: 'Terminal id (8 characters)' },
  { key: 'terminalName', label: 'Till name (up to 20, on the header and slips)' },
  { key: 'merchantId', label: 'Merchant id (15 characters)' },
  { key: 'merchantType', label: 'Merchant type (4 digits)' },
  { key: 'merchantName', label: 'Merchant name (up to 23)' },
  { key: 'merchantCity', label: 'Merchant city (up to 13)' },
  { key: 'merchantRegion', label: 'Region (2)' },
  { key: 'merchantCountry', label: 'Country (2)' },
  { key: 'institutionId', label: 'Institution id' },
  { key: 'institutionName', label: 'Institution name' },
  { key: 'clientId', label: 'Client id' },
  { key: 'clientName', label: 'Client name' },
];

function Field(props: { id: string; label: string; value: string | number; error?: string; type?: string; onChange(v: string): void; placeholder?: string; hint?: string }) {
  const described = [props.hint ? `${props.id}-hint` : '', props.error ? `${props.id}-err` : ''].filter(Boolean).join(' ');
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      <input
        id={props.id}
        type={props.type ?? 'text'}
        value={props.value}
        placeholder={props.placeholder}
        autoComplete="off"
        aria-invalid={Boolean(props.error)}
        aria-describedby={described || undefined}
        onChange={(e) => props.onChange(e.target.value)}
      />
      {props.hint && <p id={`${props.id}-hint`} className="hint">{props.hint}</p>}
      {props.error && <span id={`${props.id}-err`} className="field-error">{props.error}</span>}
    </div>
  );
}

export function Settings() {
  const [form, setForm] = useState<Form | null>(null);
  const [passwordSet, setPasswordSet] = useState(false);
  const [passwordEncrypted, setPasswordEncrypted] = useState(true);
  const [ports, setPorts] = useState<SerialPortView[]>([]);
  const [err, setErr] = useState<ApiError | null>(null);
  const [msg, setMsg] = useState<string | null>(null);
  const [drawerReason, setDrawerReason] = useState('');
  const [zoneInForce, setZoneInForce] = useState('');
  const load = (s: TillSettings) => {
    const { switchPasswordSet, switchPasswordEncrypted, timeZoneInForce, ...rest } = s;
    setPasswordSet(switchPasswordSet);
    setPasswordEncrypted(switchPasswordEncrypted);
    setZoneInForce(timeZoneInForce);
    setForm({ ...rest, switchPassword: '' });
  };
  useEffect(() => {
    void call('getSettings', {}).then((r) => (r.ok ? load(r.value) : setErr(r.error)));
    void call('listSerialPorts', {}).then((r) => r.ok && setPorts(r.value));
  }, []);
  if (!form) return <section aria-labelledby="s-h"><h1 id="s-h">Settings</h1><Err e={err} /></section>;

  const fieldErr = (path: string) => err?.fields?.[path];
  const set = <K extends keyof Form>(key: K, value: Form[K]) => setForm({ ...form, [key]: value });
  const setPrinter = (patch: Partial<Form['printer']>) => setForm({ ...form, printer: { ...form.printer, ...patch } });
  const setDrawer = (patch: Partial<Form['printer']['drawer']>) => setPrinter({ drawer: { ...form.printer.drawer, ...patch } });
  const setTimeouts = (patch: Partial<Form['timeouts']>) => setForm({ ...form, timeouts: { ...form.timeouts, ...patch } });
  const setSecurity = (patch: Partial<Form['security']>) => setForm({ ...form, security: { ...form.security, ...patch } });
  const num = (v: string) => (v.trim() === '' ? Number.NaN : Number(v));

  const save = async () => {
    setMsg(null);
    const { switchPassword, ...rest } = form;
    const patch: SettingsPatch = switchPassword ? { ...rest, switchPassword } : rest;
    const r = await call('setSettings', patch);
    setErr(r.ok ? null : r.error);
    if (r.ok) {
      load(r.value);
      setMsg('Settings saved.');
    }
  };

  return (
    <section aria-labelledby="s-h">
      <h1 id="s-h">Settings</h1>
      <form onSubmit={(e) => { e.preventDefault(); void save(); }}>
        <fieldset className="group">
          <legend>Switch</legend>
          <Field
            id="s-url"
            label="Switch URL (empty: the embedded switch)"
            value={form.switchUrl}
            error={fieldErr('switchUrl')}
            placeholder="https://switch.example:8443"
            hint="Several switches: list their URLs separated by commas, the preferred first. When one does not answer, the till repeats the request at the next and stays there; the status bar shows which one is in use. List only switches that share one database (nodes of one switch)."
            onChange={(v) => set('switchUrl', v)}
          />
          <Field id="s-user" label="User name" value={form.switchUsername} error={fieldErr('switchUsername')} onChange={(v) => set('switchUsername', v)} />
          <Field id="s-pass" label={passwordSet ? 'Password (stored; type to replace)' : 'Password'} type="password" value={form.switchPassword} error={fieldErr('switchPassword')} onChange={(v) => set('switchPassword', v)} />
          {!passwordEncrypted && (
            <p className="hint" role="note" data-testid="password-unencrypted">
              This till has no keyring to encrypt the switch password: it is stored unencrypted in a file only this computer's user can read. Keep the till's user account to the till.
            </p>
          )}
        </fieldset>
        <fieldset className="group">
          <legend>Merchant and terminal</legend>
          {ID_FIELDS.map((f) => (
            <Field key={f.key} id={`s-${f.key}`} label={f.label} value={form[f.key] as string} error={fieldErr(f.key)} onChange={(v) => set(f.key, v)} />
          ))}
        </fieldset>
        <fieldset className="group">
          <legend>Printer</legend>
          <Field
            id="s-paddr"
            label="Printer address (empty = no printer)"
            value={form.printer.address}
            error={fieldErr('printer.address')}
            placeholder="tcp://192.168.1.50:9100, device:/dev/usb/lp0, cups:TM-T20, windows:EPSON TM-T20III Receipt, virtual"
            onChange={(v) => setPrinter({ address: v })}
          />
          <p className="hint">
            Add ?cmd=star for a Star printer in Star Line mode, ?paper=58 to force the paper width.
            {ports.length > 0 && ` Serial ports found: ${ports.map((p) => `serial:${p.path}`).join(', ')}.`}
          </p>
          <div className="field">
            <label htmlFor="s-paper">Paper width</label>
            <select id="s-paper" value={form.printer.paperWidth} onChange={(e) => setPrinter({ paperWidth: e.target.value === '58' ? 58 : 80 })}>
              <option value="80">80 mm</option>
              <option value="58">58 mm</option>
            </select>
          </div>
          <div className="field">
            <label htmlFor="s-dkick">
              <input id="s-dkick" type="checkbox" checked={form.printer.drawer.kickOnCash} onChange={(e) => setDrawer({ kickOnCash: e.target.checked })} /> Open the cash drawer after a cash sale
            </label>
          </div>
          <div className="field">
            <label htmlFor="s-dpin">Drawer wired to</label>
            <select id="s-dpin" value={form.printer.drawer.pin} onChange={(e) => setDrawer({ pin: e.target.value === '5' ? 5 : 2 })}>
              <option value="2">Pin 2 (drawer 1)</option>
              <option value="5">Pin 5 (drawer 2)</option>
            </select>
          </div>
          <Field id="s-dpulse" label="Drawer pulse (ms)" type="number" value={form.printer.drawer.pulseMs} error={fieldErr('printer.drawer.pulseMs')} onChange={(v) => setDrawer({ pulseMs: num(v) })} />
        </fieldset>
        <fieldset className="group">
          <legend>Timeouts and retries</legend>
          <Field id="s-treq" label="Request timeout (ms)" type="number" value={form.timeouts.requestMs} error={fieldErr('timeouts.requestMs')} onChange={(v) => setTimeouts({ requestMs: num(v) })} />
          <Field id="s-tbase" label="First retry after (ms)" type="number" value={form.timeouts.retryBaseMs} error={fieldErr('timeouts.retryBaseMs')} onChange={(v) => setTimeouts({ retryBaseMs: num(v) })} />
          <Field id="s-tmax" label="Longest wait between retries (ms)" type="number" value={form.timeouts.retryMaxMs} error={fieldErr('timeouts.retryMaxMs')} onChange={(v) => setTimeouts({ retryMaxMs: num(v) })} />
          <Field id="s-tfg" label="Retries while the cashier waits" type="number" value={form.timeouts.foregroundRetries} error={fieldErr('timeouts.foregroundRetries')} onChange={(v) => setTimeouts({ foregroundRetries: num(v) })} />
        </fieldset>
        <fieldset className="group">
          <legend>Sign-in and PINs</legend>
          <Field id="s-pinlen" label="Shortest PIN (4 to 8 digits)" type="number" value={form.security.pinMinLength} error={fieldErr('security.pinMinLength')} onChange={(v) => setSecurity({ pinMinLength: num(v) })} />
          <Field id="s-idle" label="Sign out after this many minutes without use" type="number" value={form.security.sessionIdleMinutes} error={fieldErr('security.sessionIdleMinutes')} onChange={(v) => setSecurity({ sessionIdleMinutes: num(v) })} />
          <label className="choice switch" htmlFor="s-fieldtools">
            <input id="s-fieldtools" type="checkbox" checked={form.security.cashierFieldTools} onChange={(e) => setSecurity({ cashierFieldTools: e.target.checked })} /> Show cashiers the field-tech screens (Virtual printer with their own slips only, Virtual meter, Provider faults)
          </label>
        </fieldset>
        <fieldset className="group">
          <legend>Time</legend>
          <p data-testid="time-zone">Times on slips, screens and reports are in <strong>{zoneInForce}</strong>{form.timeZone ? '' : ' (the system’s)'}; the day ends at its midnight.</p>
          <Field id="s-tz" label="Time zone (empty: the system’s)" value={form.timeZone} error={fieldErr('timeZone')} placeholder="Africa/Johannesburg" onChange={(v) => set('timeZone', v)} />
        </fieldset>
        <button className="btn primary" type="submit">Save settings</button>
      </form>
      <Err e={err} />
      <button className="btn" onClick={() => void call('testConnection', {}).then((r) => setMsg(r.ok ? r.value.message : r.error.message))}>Test connection</button>
      <button className="btn" onClick={() => void call('printTestPage', {}).then((r) => setMsg(r.ok ? (r.value.printed ? 'Test page printed.' : r.value.message) : r.error.message))}>Print test page</button>
      <div className="field">
        <label htmlFor="s-dreason">Open the cash drawer without a sale: why?</label>
        <input id="s-dreason" value={drawerReason} autoComplete="off" placeholder="e.g. change for the float" onChange={(e) => setDrawerReason(e.target.value)} />
      </div>
      <button
        className="btn"
        onClick={() =>
          void call('openDrawer', { reason: drawerReason }).then((r) => {
            setMsg(r.ok ? (r.value.opened ? 'Drawer opened; recorded for end of day.' : r.value.message) : r.error.message);
            if (r.ok) setDrawerReason('');
          })
        }
      >
        Open drawer (no sale)
      </button>
      {msg && <p role="status">{msg}</p>}
      <Operators />
    </section>
  );
}
