/**
 * Field tech: the certification run — the public test server's scenarios against the switch this till
 * uses, each step passed or failed with the reason in words, and the result slip printed on request.
 */
import { useState } from 'react';
import type { ApiError, CertifyReport } from '../../../electron/api/contract';
import { call } from '../api';
import { Err } from './ErrorLine';

export function Certification() {
  const [print, setPrint] = useState(true);
  const [running, setRunning] = useState(false);
  const [report, setReport] = useState<CertifyReport | null>(null);
  const [err, setErr] = useState<ApiError | null>(null);
  const run = async () => {
    setRunning(true);
    setReport(null);
    const r = await call('certify', { print });
    setRunning(false);
    setErr(r.ok ? null : r.error);
    if (r.ok) setReport(r.value);
  };
  const passed = report !== null && report.failed === 0 && !report.refused;
  return (
    <section aria-labelledby="ce-h">
      <h1 id="ce-h">Certification</h1>
      <p>Runs the public test server’s scenarios (TST001–TST011) against the switch this till uses. It sells nothing real: it stops unless the switch answers the scenario meters.</p>
      <div className="row">
        <label><input type="checkbox" checked={print} onChange={(e) => setPrint(e.target.checked)} /> Print the result slip</label>
        <button className="btn" disabled={running} onClick={() => void run()}>{running ? 'Running… (TST011 waits for its 504)' : 'Run certification'}</button>
      </div>
      <Err e={err} />
      {report && (
        <>
          <p role="status" className={`state ${passed ? 'success' : 'failed'}`}>
            {passed ? `PASS: all ${report.passed} steps passed` : `FAIL: ${report.failed} of ${report.steps.length} steps failed`} — till {report.terminalId}, switch {report.switchUrl}
            {report.printed && (report.printed.printed ? '; result slip printed' : `; slip not printed: ${report.printed.message}`)}
          </p>
          {report.refused && <p className="state failed">{report.refused}</p>}
          <table aria-label="Certification steps">
            <thead><tr><th>Step</th><th>Result</th><th>Why</th><th>ms</th></tr></thead>
            <tbody>
              {report.steps.map((s) => (
                <tr key={s.step}><td>{s.step}</td><td>{s.passed ? 'pass' : 'FAIL'}</td><td>{s.reasons.join('; ')}</td><td>{s.ms}</td></tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
