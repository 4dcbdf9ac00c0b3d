/**
 * The shipped certification facts (electron/till/certify/facts.ts) are exactly what the generator makes
 * from the public test server's resources in ../shared today: an edited fact, or a changed resource
 * not yet regenerated, fails here.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CERTIFICATION_FACTS } from '../electron/till/certify/facts';
import { FACTS_FILE, certificationFacts, renderFacts } from './certification-facts';

describe('the certification fact file', () => {
  it('is the generator’s output over ../shared/reference/ppu-test-server/resources', () => {
    expect(readFileSync(FACTS_FILE, 'utf8')).toBe(renderFacts(certificationFacts()));
  });

  it('holds every scenario meter of meters.csv with its amount, and the test server’s TST004 tariff rates', () => {
    expect(Object.keys(CERTIFICATION_FACTS.scenarios)).toEqual(['TST001', 'TST002', 'TST003', 'TST004', 'TST005', 'TST006', 'TST007', 'TST008', 'TST009', 'TST010', 'TST011']);
    expect(CERTIFICATION_FACTS.scenarios.TST005.amountCents).toBe(5000);
    expect(CERTIFICATION_FACTS.scenarios.TST004.tokens[0]?.tariffRates).toEqual([{ units: 50, rate: 117.3 }, { units: 23.8, rate: 173.74 }]);
  });
});
