/** Shape of a numbered schema migration (see STYLE.md: one file per change, never edited after release). */
import type { Database } from 'better-sqlite3';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly up: (db: Database) => void;
}
