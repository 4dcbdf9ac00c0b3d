/** One numbered schema change of the till's store; never edited after release. */
import type { Database } from 'better-sqlite3';
export interface Migration {
  readonly version: number;
  readonly name: string;
  up(db: Database): void;
}
