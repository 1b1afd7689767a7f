// Who is running a run, and whether they still are. A runner holds each run it works on under a
// lease: its host, PID namespace, process id, process start time and a token of its own, with a
// heartbeat it refreshes every HEARTBEAT_MS. A run is orphaned (and `resume` may take it) when:
// - its heartbeat is older than STALE_MS, whatever its PID now is; or
// - its owner shares this host and PID namespace and that process is gone, or the PID now belongs
//   to a process that started at another time (PID reuse), which needs no wait.
// An owner in another PID namespace or on another host is trusted while its heartbeat is fresh.

import { randomBytes } from 'node:crypto'
import { readFileSync, readlinkSync } from 'node:fs'
import { hostname } from 'node:os'

export const HEARTBEAT_MS = 5_000
/** Four missed heartbeats. */
export const STALE_MS = 20_000

export interface LeaseOwner {
  host: string
  /** The PID namespace (Linux: the target of /proc/self/ns/pid), null where there is none to read. */
  pidns: string | null
  pid: number
  /** The process's start time (Linux: field 22 of /proc/PID/stat, in clock ticks since boot), null elsewhere. */
  start: string | null
  /** Unique to one process's lifetime. */
  token: string
}

let me: LeaseOwner | null = null

/** This process as a lease owner. */
export function thisOwner(): LeaseOwner {
  me ??= { host: hostname(), pidns: pidNamespace(), pid: process.pid, start: processStart(process.pid), token: randomBytes(9).toString('base64url') }
  return me
}

export type LeaseState = 'mine' | 'alive' | 'orphaned'

export function leaseState(owner: LeaseOwner | null, heartbeatAt: number | null, now = Date.now()): LeaseState {
  if (!owner) return 'orphaned'
  const self = thisOwner()
  if (owner.token === self.token) return 'mine'
  if (heartbeatAt === null || now - heartbeatAt > STALE_MS) return 'orphaned'
  if (owner.host === self.host && owner.pidns !== null && owner.pidns === self.pidns) {
    if (!processAlive(owner.pid)) return 'orphaned'
    const start = processStart(owner.pid)
    if (start !== null && owner.start !== null && start !== owner.start) return 'orphaned' // the PID was reused
  }
  return 'alive'
}

/** "pid 1234 on host h": who holds a lease, for messages. */
export function describeOwner(owner: LeaseOwner): string {
  return `pid ${owner.pid} on host ${owner.host}`
}

export function parseOwner(text: string | null): LeaseOwner | null {
  if (!text) return null
  try {
    const o = JSON.parse(text) as LeaseOwner
    return typeof o?.token === 'string' ? o : null
  } catch {
    return null
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

function pidNamespace(): string | null {
  try {
    return readlinkSync('/proc/self/ns/pid')
  } catch {
    return null
  }
}

function processStart(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // The command name (field 2) is in parentheses and may hold spaces: count fields after its ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null
  } catch {
    return null
  }
}
