/** The ordered list of the till store's migrations and the runner that applies the missing ones. */
import type { Database } from 'better-sqlite3';
import m0001 from './0001-sales-advices';
import m0002 from './0002-reprints-traces-settings';
import m0003 from './0003-cancelled-by';
import m0004 from './0004-lookup-ref-index';
import m0005 from './0005-operator-pin-rules';
import m0006 from './0006-drawer-opens';
import m0007 from './0007-approved-by';
import m0008 from './0008-unknown-pin-ids';
import m0009 from './0009-cash-received';
import m0010 from './0010-card-approval';
import m0011 from './0011-store-reprints';
import m0012 from './0012-recovered';
import m0013 from './0013-drawer-sessions';
import m0014 from './0014-held-at-close';
import m0015 from './0015-refund-payouts';
import m0016 from './0016-sale-path-indexes';
import m0017 from './0017-pending-slips-owed';
import { migrate as migrateWith, type Migration } from '../../../../common/sqlite';

export const MIGRATIONS: readonly Migration[] = [m0001, m0002, m0003, m0004, m0005, m0006, m0007, m0008, m0009, m0010, m0011, m0012, m0013, m0014, m0015, m0016, m0017];
export const LATEST_VERSION = MIGRATIONS.length;

/** Applies every migration above the file's user_version (see common/sqlite.ts). */
export function migrate(db: Database, upTo: number = LATEST_VERSION): number {
  return migrateWith(db, MIGRATIONS, upTo);
}
