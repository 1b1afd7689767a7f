// Numbered migrations, each one function. Migration i (1-based) brings a database from
// user_version i−1 to i. Append only: never edit one that has shipped.

import type { Database } from 'better-sqlite3'
import { migration001Initial } from './001-initial'
import { migration002RunLease } from './002-run-lease'
import { migration003PlannedRuns } from './003-planned-runs'
import { migration004Expansion } from './004-expansion'

export const MIGRATIONS: ReadonlyArray<(db: Database) => void> = [migration001Initial, migration002RunLease, migration003PlannedRuns, migration004Expansion]
export const SCHEMA_VERSION = MIGRATIONS.length
