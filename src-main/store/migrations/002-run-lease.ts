import type { Database } from 'better-sqlite3'

/**
 * Run ownership as a lease: who holds a running run (host, PID namespace, process id and start
 * time, and a token unique to the process) and when it last said it was alive. A PID alone is not
 * an identity: it is reused after a crash or reboot, and means another process in another
 * container or PID namespace.
 */
export function migration002RunLease(db: Database): void {
  db.exec(`
    ALTER TABLE runs ADD COLUMN owner TEXT;          -- the lease holder, JSON (store/lease.ts), while running
    ALTER TABLE runs ADD COLUMN heartbeat_at INTEGER; -- ms since the epoch, refreshed by the runner while running
  `)
}
