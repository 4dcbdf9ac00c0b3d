/**
 * Field-tech list of the demo meters (the embedded switch's demo profile): each number and what a
 * sale to it shows, to rehearse every case at the counter. The numbers come from the demo profile
 * itself; the words here are typed against its names, so a new demo meter cannot be left out.
 */
import { DEMO_METERS, type DemoMeterName } from '../../../electron/api/demo-meters';

const SHOWS: Record<DemoMeterName, string> = {
  plain: 'City of Cape Town, nothing owed: one electricity token.',
  withArrears: 'City of Cape Town, R450 arrears: a quarter of each purchase recovers debt.',
  serviceChargeDue: 'City of Tshwane: this month’s service charge comes off the sale.',
  keyChange: 'City of Tshwane, keys changed: two key-change tokens before the electricity token.',
  bsstDue: 'Buffalo City: free basic electricity (50 kWh) given with the sale.',
  slowProviderRoute: 'Buffalo City: routed to the slow provider first (about 0.8 s).',
  blocked: 'Mangaung, blocked by the utility: the lookup is refused.',
  excludedProvider: 'Mangaung: one provider serves it but is excluded for this utility.',
  unknownToContractTable: 'Ekurhuleni: not in the contract table; the switch asks every provider.',
  weighted: 'Ekurhuleni: no preference; load-balancer weights pick the provider.',
  staleNotSupported: 'Polokwane: the contract table is stale (nobody supports it); Confirm support in Meters fixes it.',
  meterPreference: 'Drakenstein: a meter-level preferred provider overrides the utility’s ranking.',
  water: 'City of Cape Town Water: kL tokens and a water service charge.',
  gas: 'Egoli Gas: gas tokens in kg.',
  everything: 'City of Tshwane: arrears, service charge, key change and free electricity at once (4 tokens).',
  miniGridPlain: 'Sunvillage Mini-Grid (debt first), nothing owed: the whole amount buys units.',
  miniGridArrears: 'Sunvillage Mini-Grid, R450 arrears: R200 all repays debt, no token — a receipt.',
  miniGridAccessFeeDue: 'Sunvillage Mini-Grid: two weekly access fees (R40) come off before units.',
  miniGridSolarHomeSystem: 'Sunvillage Mini-Grid: solar home system, R300 of weekly instalments due; “Repay appliance only”.',
  miniGridTelevision: 'Sunvillage Mini-Grid: TV at R400 a month, R800 due plus this week’s R20 access fee.',
};

export function DemoMeters() {
  return (
    <section aria-labelledby="demo-h" className="card">
      <h2 id="demo-h">Demo meters</h2>
      <p className="hint">The embedded switch’s demo profile. Make a provider slow or down above to rehearse a pending sale.</p>
      <table>
        <thead><tr><th>Meter</th><th>What a sale shows</th></tr></thead>
        <tbody>
          {(Object.keys(SHOWS) as DemoMeterName[]).map((name) => (
            <tr key={name} data-testid="demo-meter">
              <td><code>{DEMO_METERS[name]}</code></td>
              <td>{SHOWS[name]}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
