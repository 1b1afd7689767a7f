import type { Database } from 'better-sqlite3'

/**
 * What a sweep was meant to be, beside what it holds: the runs its spec expands to, and the number
 * of parts it was run in (a shard's sweep holds only its own runs). A merge of 3 shards of 4 then
 * says 12 of 16 runs are present, and which shard never ran, instead of looking complete.
 * Older rows leave both null: the planned count is then the spec's (sweepSize), the parts unknown.
 */
export function migration003PlannedRuns(db: Database): void {
  db.exec(`
    ALTER TABLE sweeps ADD COLUMN planned INTEGER; -- runs the whole sweep expands to
    ALTER TABLE sweeps ADD COLUMN shards INTEGER;  -- the parts it was run in (--shard i/N); null when run whole
  `)
}
