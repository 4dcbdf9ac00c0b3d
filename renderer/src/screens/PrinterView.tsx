/**
 * Field-tech tool: the virtual printer's jobs as the rendered slip, its text and decoded commands,
 * with PNG/BIN downloads, or as refused with the printer's reason (a job past its limits), kept in
 * step as jobs arrive; and, for managers and field techs only,
 * switches that make it run out of paper, open its cover or go offline, to rehearse the cashier's
 * printer-problem state without a real printer.
 */
import { useState } from 'react';
import type { ApiError, VirtualPrinterStatus, VirtualPrintJob } from '../../../electron/api/contract';
import { call, withToken } from '../api';
import { useEvery } from '../poll';
import { useTill } from '../store';
import { Err } from './ErrorLine';
import { When } from './When';

function PrintedJob({ j }: { j: VirtualPrintJob }) {
  return (
    <article className="card job" data-testid="print-job">
      <h2>Job {j.id} · {j.bytes} bytes · <When iso={j.at} /></h2>
      <div className="jobcols">
        {j.pngUrl && <img src={withToken(j.pngUrl)} alt={`Rendered slip of job ${j.id}`} />}
        <pre tabIndex={0} className="slip" data-testid="job-text">{j.text}</pre>
        <details><summary>Decoded commands</summary><pre tabIndex={0} className="trace">{j.commands.join('\n')}</pre></details>
      </div>
      {j.pngUrl && <a className="btn" href={withToken(j.pngUrl)} download>Download PNG</a>}
      {j.binUrl && <a className="btn" href={withToken(j.binUrl)} download>Download BIN</a>}
    </article>
  );
}

function RefusedJob({ j, reason }: { j: VirtualPrintJob; reason: string }) {
  return (
    <article className="card job" data-testid="print-job">
      <h2>Job {j.id} · refused · {j.bytes} bytes · <When iso={j.at} /></h2>
      <p className="bad" data-testid="job-refused">Not printed: {reason}.</p>
    </article>
  );
}

export function PrinterView() {
  const [jobs, setJobs] = useState<VirtualPrintJob[]>([]);
  const [enabled, setEnabled] = useState(true);
  const [status, setStatus] = useState<VirtualPrinterStatus | null>(null);
  const [err, setErr] = useState<ApiError | null>(null);
  const manager = useTill((s) => s.session?.operator?.role === 'manager');
  const load = async () => {
    const r = await call('virtualPrinterJobs', { limit: 20 });
    setErr(r.ok ? null : r.error);
    if (r.ok) { setJobs(r.value.jobs); setEnabled(r.value.enabled); setStatus(r.value.status); }
  };
  const apply = async (patch: Partial<VirtualPrinterStatus>) => {
    const r = await call('setVirtualPrinterStatus', patch);
    setErr(r.ok ? null : r.error);
    if (r.ok) setStatus(r.value);
  };
  const SWITCHES: { key: keyof VirtualPrinterStatus; label: string }[] = [
    { key: 'paperOut', label: 'Out of paper' },
    { key: 'coverOpen', label: 'Cover open' },
    { key: 'offline', label: 'Offline' },
    { key: 'paperLow', label: 'Paper low (near end)' },
    { key: 'drawerOpen', label: 'Cash drawer open' },
  ];
  useEvery(3000, load);
  return (
    <section aria-labelledby="vp-h">
      <h1 id="vp-h">Virtual printer</h1>
      <p className="hint">Refreshed every 3 s.</p>
      <Err e={err} />
      {!enabled && <p>The virtual printer is not in use (a real printer is configured).</p>}
      {status && manager && (
        <fieldset className="group">
          <legend>Rehearse a printer problem (field techs and managers)</legend>
          {SWITCHES.map((s) => (
            <label key={s.key} className="choice switch">
              <input type="checkbox" checked={status[s.key]} onChange={(e) => void apply({ [s.key]: e.target.checked })} /> {s.label}
            </label>
          ))}
          <button className="btn" onClick={() => void apply({ paperOut: false, coverOpen: false, offline: false })}>Clear all printer problems</button>
        </fieldset>
      )}
      {jobs.map((j) => (j.refused === null ? <PrintedJob key={j.id} j={j} /> : <RefusedJob key={j.id} j={j} reason={j.refused} />))}
    </section>
  );
}
