// The machine a result was measured on, recorded with every run and shown by `doctor`.

import os from 'node:os'

export interface EnvironmentInfo {
  appVersion: string
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
    os: `${os.type()} ${os.release()}`,
    arch: process.arch,
    cpu: cpus[0]?.model?.trim() || 'unknown CPU',
    cores: cpus.length,
    memoryBytes: os.totalmem(),
    node: process.versions.node,
    electron: process.versions.electron ?? null,
  }
}
