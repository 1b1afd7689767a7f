import type { Database } from 'better-sqlite3'

/**
 * How the sweep's spec was expanded into runs (engine/sweep/expand.ts, EXPANSION): a resume, a
 * merge of shards or a completeness check expands it again the same way. Older rows leave it null,
 * read as expansion 1 (cells as an ordinary axis, one validation draw for every repeat).
 */
export function migration004Expansion(db: Database): void {
  db.exec('ALTER TABLE sweeps ADD COLUMN expansion INTEGER;')
}
