/**
 * Manager back office, console views and field-tech tools. Each screen fetches through the TillApi
 * and shows the back end's own plain-words errors.
 */
import { useEffect, useState } from 'react';
import type { ApiError, EodReport, MeterDetail, ProviderHealth, ProviderHistoryPoint, QueueItem, RoutingUtility, SaleSummary, VirtualPrintJob } from '../../../electron/api/contract';
import { call, withToken } from '../api';
import { ago, ageText, rand } from '../format';

const Err = ({ e }: { e: ApiError | null }) => (e ? <p role="alert" className="state failed">{e.message}</p> : null);

export function Reprint() {
  const [meterId, setMeter] = useState('');
  const [reference, setRef] = useState('');
  const [tok, setTok] = useState('');
  const [rows, setRows] = useState<SaleSummary[]>([]);
  const [err, setErr] = useState<ApiError | null>(null);
  const [msg, setMsg] = useState<string | null>(null);
  const search = async () => {
    const r = await call('searchSlips', { ...(meterId && { meterId }), ...(reference && { reference }), ...(tok && { token: tok }) });
    setErr(r.ok ? null : r.error);
    if (r.ok) setRows(r.value);
  };
  useEffect(() => void search(), []);
  const reprint = async (saleId: string) => {
    const r = await call('reprintLocal', { saleId });
    setErr(r.ok ? null : r.error);
    if (r.ok) setMsg(r.value.printed ? `Reprint printed and logged (reprint #${r.value.reprintCount}).` : r.value.message);
  };
  return (
    <section aria-labelledby="rp-h">
      <h1 id="rp-h">Reprint a slip</h1>
      <form className="row" onSubmit={(e) => { e.preventDefault(); void search(); }}>
        <label htmlFor="rp-meter">Meter</label><input id="rp-meter" value={meterId} onChange={(e) => setMeter(e.target.value)} />
        <label htmlFor="rp-ref">Reference</label><input id="rp-ref" value={reference} onChange={(e) => setRef(e.target.value)} />
        <label htmlFor="rp-tok">Token</label><input id="rp-tok" value={tok} onChange={(e) => setTok(e.target.value)} />
        <button className="btn" type="submit">Search</button>
      </form>
      <Err e={err} />
      {msg && <p role="status" className="state success">{msg}</p>}
      <table>
        <thead><tr><th>Time</th><th>Meter</th><th>Amount</th><th>State</th><th>Token</th><th>Reprints</th><th><span className="sr">Action</span></th></tr></thead>
        <tbody>
          {rows.map((s) => (
            <tr key={s.saleId}>
              <td title={s.createdAt}>{ago(s.createdAt)}</td><td>{s.meterId}</td><td>{rand(s.amountCents)}</td><td>{s.state}</td><td>{s.token ?? '—'}</td><td>{s.reprintCount}</td>
              <td><button className="btn" onClick={() => void reprint(s.saleId)}>Reprint {s.meterId}</button></td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

export function Queue() {
  const [items, setItems] = useState<QueueItem[]>([]);
  const [err, setErr] = useState<ApiError | null>(null);
  const load = async () => {
    const r = await call('listQueue', {});
    setErr(r.ok ? null : r.error);
    if (r.ok) setItems(r.value);
  };
  useEffect(() => void load(), []);
  const act = async (p: Promise<{ ok: boolean; error?: ApiError }>) => {
    const r = await p;
    setErr(r.ok ? null : r.error ?? null);
    await load();
  };
  return (
    <section aria-labelledby="q-h">
      <h1 id="q-h">Pending and advice queue</h1>
      <button className="btn" onClick={() => void load()}>Refresh</button>
      <Err e={err} />
      {items.length === 0 && <p>Nothing waiting.</p>}
      <table>
        <thead><tr><th>Kind</th><th>Meter</th><th>Amount</th><th>Age</th><th>Attempts</th><th>Last error</th><th>Status</th><th><span className="sr">Actions</span></th></tr></thead>
        <tbody>
          {items.map((q) => (
            <tr key={q.id} data-testid="queue-row">
              <td>{q.kind}</td><td>{q.meterId}</td><td>{rand(q.amountCents)}</td><td>{ageText(q.ageMs)}</td><td>{q.attempts}</td><td>{q.lastError ?? '—'}</td><td>{q.status}</td>
              <td>
                <button className="btn" onClick={() => void act(q.kind === 'purchase' ? call('retryNow', { saleId: q.saleId }) : call('retryQueueItem', { id: q.id }))}>Retry now</button>
                {q.kind === 'purchase' && <button className="btn danger" onClick={() => void act(call('cancelPending', { saleId: q.saleId }))}>Cancel (reversal)</button>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

export function Transactions() {
  const [q, setQ] = useState('');
  const [rows, setRows] = useState<SaleSummary[]>([]);
  const [detail, setDetail] = useState<string | null>(null);
  const [err, setErr] = useState<ApiError | null>(null);
  const load = async () => {
    const r = await call('listTransactions', q ? { q } : {});
    setErr(r.ok ? null : r.error);
    if (r.ok) setRows(r.value);
  };
  useEffect(() => void load(), []);
  const open = async (saleId: string) => {
    const r = await call('getTransaction', { saleId });
    setErr(r.ok ? null : r.error);
    if (r.ok) setDetail(JSON.stringify(r.value, null, 2));
  };
  return (
    <section aria-labelledby="t-h">
      <h1 id="t-h">Transactions</h1>
      <form className="row" onSubmit={(e) => { e.preventDefault(); void load(); }}>
        <label htmlFor="t-q">Search any reference</label><input id="t-q" value={q} onChange={(e) => setQ(e.target.value)} />
        <button className="btn" type="submit">Search</button>
      </form>
      <Err e={err} />
      <table>
        <thead><tr><th>Time</th><th>Meter</th><th>Amount</th><th>State</th><th>Provider</th><th>Cashier</th><th><span className="sr">Detail</span></th></tr></thead>
        <tbody>
          {rows.map((s) => (
            <tr key={s.saleId}><td title={s.createdAt}>{ago(s.createdAt)}</td><td>{s.meterId}</td><td>{rand(s.amountCents)}</td><td>{s.state}</td><td>{s.provider ?? '—'}</td><td>{s.operatorId}</td>
              <td><button className="btn" onClick={() => void open(s.saleId)}>Detail</button></td></tr>
          ))}
        </tbody>
      </table>
      {detail && <pre tabIndex={0} className="trace" aria-label="Transaction detail with message traces">{detail}</pre>}
    </section>
  );
}

export function Eod() {
  const [rep, setRep] = useState<EodReport | null>(null);
  const [err, setErr] = useState<ApiError | null>(null);
  const [msg, setMsg] = useState<string | null>(null);
  useEffect(() => {
    void call('eodReport', {}).then((r) => (r.ok ? setRep(r.value) : setErr(r.error)));
  }, []);
  const csvHref = rep ? `data:text/csv;charset=utf-8,${encodeURIComponent(rep.csv)}` : undefined;
  return (
    <section aria-labelledby="e-h">
      <h1 id="e-h">End of day</h1>
      <Err e={err} />
      {rep && (
        <>
          <p>Sold {rep.succeeded.count} for {rand(rep.succeeded.amountCents)}; failed {rep.failedCount}; pending {rep.pending.length}; reversed {rep.reversed.length}.</p>
          <pre tabIndex={0} className="trace">{rep.lines.join('\n')}</pre>
          <button className="btn" onClick={() => void call('printEodReport', {}).then((r) => setMsg(r.ok ? (r.value.printed ? 'Report printed.' : r.value.message) : r.error.message))}>Print report</button>
          <a className="btn" href={csvHref} download="end-of-day.csv">Download CSV</a>
          <button className="btn" onClick={() => void call('closeShift', {}).then((r) => setMsg(r.ok ? 'Shift closed.' : r.error.message))}>Close shift</button>
          <button className="btn" onClick={() => void call('openShift', {}).then((r) => setMsg(r.ok ? 'Shift open.' : r.error.message))}>Open shift</button>
          {msg && <p role="status">{msg}</p>}
        </>
      )}
    </section>
  );
}

export function Settings() {
  const [json, setJson] = useState('');
  const [err, setErr] = useState<ApiError | null>(null);
  const [msg, setMsg] = useState<string | null>(null);
  useEffect(() => {
    void call('getSettings', {}).then((r) => (r.ok ? setJson(JSON.stringify(r.value, null, 2)) : setErr(r.error)));
  }, []);
  const [terminalId, setTid] = useState('');
  const save = async () => {
    const r = await call('setSettings', { terminalId });
    setErr(r.ok ? null : r.error);
    if (r.ok) { setMsg('Saved.'); setJson(JSON.stringify(r.value, null, 2)); }
  };
  return (
    <section aria-labelledby="s-h">
      <h1 id="s-h">Settings</h1>
      <form className="row" onSubmit={(e) => { e.preventDefault(); void save(); }}>
        <label htmlFor="s-tid">Terminal id (8 characters)</label>
        <input id="s-tid" value={terminalId} onChange={(e) => setTid(e.target.value)} aria-invalid={Boolean(err?.fields?.terminalId)} aria-describedby="s-tid-err" />
        <span id="s-tid-err" className="field-error">{err?.fields?.terminalId ?? ''}</span>
        <button className="btn" type="submit">Save</button>
      </form>
      <Err e={err} />
      <button className="btn" onClick={() => void call('testConnection', {}).then((r) => setMsg(r.ok ? r.value.message : r.error.message))}>Test connection</button>
      <button className="btn" onClick={() => void call('printTestPage', {}).then((r) => setMsg(r.ok ? (r.value.printed ? 'Test page printed.' : r.value.message) : r.error.message))}>Print test page</button>
      {msg && <p role="status">{msg}</p>}
      <pre tabIndex={0} className="trace" aria-label="Current settings">{json}</pre>
    </section>
  );
}

const STATUS_WORDS = { SUPPORTED: 'Supported', NOT_SUPPORTED: 'Not supported', UNCONFIRMED: 'Unconfirmed' } as const;

export function Meters() {
  const [prefix, setPrefix] = useState('');
  const [hits, setHits] = useState<{ meterId: string; utilityName: string | null }[]>([]);
  const [meter, setMeter] = useState<MeterDetail | null>(null);
  const [msg, setMsg] = useState<string | null>(null);
  const [err, setErr] = useState<ApiError | null>(null);
  useEffect(() => {
    if (prefix.length < 3) return setHits([]);
    let live = true;
    void call('meterSearch', { prefix, limit: 10 }).then((r) => live && (r.ok ? setHits(r.value.meters) : setErr(r.error)));
    return () => { live = false; };
  }, [prefix]);
  const open = async (meterId: string) => {
    setMsg(null);
    const r = await call('meterDetail', { meterId });
    setErr(r.ok ? null : r.error);
    if (r.ok) { setMeter(r.value); setHits([]); }
  };
  const confirm = async () => {
    if (!meter) return;
    const r = await call('confirmSupport', { meterId: meter.meterId });
    setErr(r.ok ? null : r.error);
    if (r.ok) { setMeter(r.value.meter); setMsg(r.value.message); }
  };
  return (
    <section aria-labelledby="m-h">
      <h1 id="m-h">Meters</h1>
      <form className="row" onSubmit={(e) => { e.preventDefault(); void open(prefix); }}>
        <label htmlFor="m-search">Search meter number</label>
        <input id="m-search" role="combobox" aria-expanded={hits.length > 0} aria-controls="m-hits" autoComplete="off" value={prefix} onChange={(e) => setPrefix(e.target.value)} />
        <button className="btn" type="submit">Open</button>
      </form>
      {hits.length > 0 && (
        <ul id="m-hits" role="listbox" aria-label="Matching meters" className="hits">
          {hits.map((h) => (
            <li key={h.meterId} role="option" aria-selected="false"><button className="btn link" onClick={() => void open(h.meterId)}>{h.meterId} · {h.utilityName ?? 'Unassigned'}</button></li>
          ))}
        </ul>
      )}
      <Err e={err} />
      {meter && (
        <div className="card" data-testid="meter-page">
          <h2>Meter {meter.meterId}</h2>
          <p>Utility: <strong data-testid="meter-utility">{meter.utility?.name ?? 'Unassigned'}</strong>{meter.rebroadcastFlag && ' · marked for rebroadcast (support re-check)'}</p>
          <table>
            <thead><tr><th>Provider ID</th><th>Provider</th><th>Last response</th><th>Support status</th></tr></thead>
            <tbody>
              {meter.providers.map((p) => (
                <tr key={p.providerId} data-testid="provider-row">
                  <td>{p.providerId}</td><td>{p.providerName}</td>
                  <td title={p.lastResponseAt ?? undefined}>{p.lastResponseAt && !(meter.rebroadcastFlag && p.status === 'UNCONFIRMED') ? ago(p.lastResponseAt) : 'Awaiting confirmation'}</td>
                  <td data-testid="support-status">{STATUS_WORDS[p.status]}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {!meter.rebroadcastFlag && <button className="btn primary" onClick={() => void confirm()}>Confirm support</button>}
          {msg && <p role="status" className="state pending" data-testid="rebroadcast-message">{msg}</p>}
          <button className="btn" onClick={() => void open(meter.meterId)}>Refresh</button>
        </div>
      )}
    </section>
  );
}

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
              <td>{names(u.unranked)}</td><td>{names(u.excluded)}</td><td>{names(u.unconfirmed)}</td><td>{u.meterCount}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function Chart({ points, id }: { points: ProviderHistoryPoint[]; id: string }) {
  const pts = points.filter((p) => p.providerId === id).slice(-60);
  if (pts.length < 2) return <span>—</span>;
  const max = Math.max(1, ...pts.map((p) => p.latencyMs));
  const d = pts.map((p, i) => `${(i / (pts.length - 1)) * 160},${40 - (p.latencyMs / max) * 38}`).join(' ');
  return (
    <svg width="160" height="40" role="img" aria-label={`Latency over time, up to ${max} ms`}>
      <polyline fill="none" stroke="currentColor" strokeWidth="2" points={d} />
    </svg>
  );
}

export function Providers() {
  const [list, setList] = useState<ProviderHealth[]>([]);
  const [hist, setHist] = useState<ProviderHistoryPoint[]>([]);
  const [err, setErr] = useState<ApiError | null>(null);
  const load = async () => {
    const r = await call('providers', {});
    setErr(r.ok ? null : r.error);
    if (r.ok) { setList(r.value.providers); setHist(r.value.history); }
  };
  useEffect(() => void load(), []);
  const knob = async (providerId: string, patch: { down?: boolean; serverErrorRate?: number; timeoutRate?: number; latencyMs?: number }) => {
    const r = await call('setProviderBehaviour', { providerId, patch });
    setErr(r.ok ? null : r.error);
    await load();
  };
  return (
    <section aria-labelledby="p-h">
      <h1 id="p-h">Provider health and load balancer</h1>
      <Err e={err} />
      <table>
        <thead><tr><th>Provider</th><th>Health</th><th>Latency p50/p99</th><th>Error rate</th><th>Weight</th><th>Latency over time</th><th>Simulator controls</th></tr></thead>
        <tbody>
          {list.map((p) => (
            <tr key={p.id}>
              <td>{p.name} ({p.id})</td><td className={p.health === 'UP' ? 'ok' : 'warn'}>{p.health}</td>
              <td>{p.latencyP50Ms} / {p.latencyP99Ms} ms</td><td>{(p.errorRate * 100).toFixed(1)}%</td><td>{p.weight}</td>
              <td><Chart points={hist} id={p.id} /></td>
              <td>
                {p.behaviour ? (
                  <>
                    <button className="btn" onClick={() => void knob(p.id, { down: !p.behaviour!.down })}>{p.behaviour.down ? 'Bring up' : 'Take down'}</button>
                    <button className="btn" onClick={() => void knob(p.id, { serverErrorRate: p.behaviour!.serverErrorRate > 0 ? 0 : 1 })}>{p.behaviour.serverErrorRate > 0 ? 'Stop errors' : 'Fail all (5xx)'}</button>
                    <button className="btn" onClick={() => void knob(p.id, { timeoutRate: p.behaviour!.timeoutRate > 0 ? 0 : 1 })}>{p.behaviour.timeoutRate > 0 ? 'Stop timeouts' : 'Time out all'}</button>
                    <button className="btn" onClick={() => void knob(p.id, { latencyMs: p.behaviour!.latencyMs > 0 ? 0 : 2000 })}>{p.behaviour.latencyMs > 0 ? `Latency ${p.behaviour.latencyMs} ms → 0` : 'Add 2 s latency'}</button>
                  </>
                ) : 'not simulated'}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

export function PrinterView() {
  const [jobs, setJobs] = useState<VirtualPrintJob[]>([]);
  const [enabled, setEnabled] = useState(true);
  const [err, setErr] = useState<ApiError | null>(null);
  const load = async () => {
    const r = await call('virtualPrinterJobs', { limit: 20 });
    setErr(r.ok ? null : r.error);
    if (r.ok) { setJobs(r.value.jobs); setEnabled(r.value.enabled); }
  };
  useEffect(() => void load(), []);
  return (
    <section aria-labelledby="vp-h">
      <h1 id="vp-h">Virtual printer</h1>
      <button className="btn" onClick={() => void load()}>Refresh</button>
      <Err e={err} />
      {!enabled && <p>The virtual printer is not in use (a real printer is configured).</p>}
      {jobs.map((j) => (
        <article key={j.id} className="card job" data-testid="print-job">
          <h2>Job {j.id} · {ago(j.at)} · {j.bytes} bytes</h2>
          <div className="jobcols">
            {j.pngUrl && <img src={withToken(j.pngUrl)} alt={`Rendered slip of job ${j.id}`} />}
            <pre tabIndex={0} className="slip" data-testid="job-text">{j.text}</pre>
            <details><summary>Decoded commands</summary><pre tabIndex={0} className="trace">{j.commands.join('\n')}</pre></details>
          </div>
          {j.pngUrl && <a className="btn" href={withToken(j.pngUrl)} download>Download PNG</a>}
          {j.binUrl && <a className="btn" href={withToken(j.binUrl)} download>Download BIN</a>}
        </article>
      ))}
    </section>
  );
}
