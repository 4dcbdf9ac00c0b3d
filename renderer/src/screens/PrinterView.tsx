/** Field-tech tool: the virtual printer's jobs as the rendered slip, its text and decoded commands, with PNG/BIN downloads. */
import { useEffect, useState } from 'react';
import type { ApiError, VirtualPrintJob } from '../../../electron/api/contract';
import { call, withToken } from '../api';
import { ago } from '../format';
import { Err } from './ErrorLine';

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
