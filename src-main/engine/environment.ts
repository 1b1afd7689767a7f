// The machine a result was measured on, recorded with every run and shown by `doctor`.

import os from 'node:os'

export interface EnvironmentInfo {
  appVersion: string
  /** The host name: with the CPU model and core count, what tells two machines apart (machineId). */
  host: string
  os: string
  arch: string
  cpu: string
  cores: number
  memoryBytes: number
  node: string
  electron: string | null
}

export function environmentInfo(appVersion: string): EnvironmentInfo {
  const cpus = os.cpus()
  return {
    appVersion,
    host: os.hostname(),
    os: `${os.type()} ${os.release()}`,
    arch: process.arch,
    cpu: cpus[0]?.model?.trim() || 'unknown CPU',
    cores: cpus.length,
    memoryBytes: os.totalmem(),
    node: process.versions.node,
    electron: process.versions.electron ?? null,
  }
}

/**
 * Which machine a run was timed on, from its recorded environment: host name, CPU model and core
 * count. Runs recorded before the host name was kept fall back to CPU, cores and OS. Verdicts never
 * pair runs of two machines (an imported shard's runs are timed elsewhere).
 */
export function machineId(env: Record<string, unknown> | null | undefined): string {
  if (!env) return 'unrecorded machine'
  const cpu = String(env.cpu ?? 'unknown CPU'), cores = String(env.cores ?? '?')
  return typeof env.host === 'string' ? `${env.host} (${cpu} × ${cores})` : `${cpu} × ${cores}, ${String(env.os ?? 'unknown OS')}`
}
