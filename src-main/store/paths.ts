// Where the database lives by default: the per-user application-data folder that Electron's
// app.getPath('userData') names for an app called "rnnbench", so the CLI and the app share it.

import { homedir } from 'node:os'
import { join } from 'node:path'

export const DB_ENV_VAR = 'RNNBENCH_DB'

export function userDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'rnnbench')
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'rnnbench')
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'rnnbench')
}

/** --db, else $RNNBENCH_DB, else the app-data folder's rnnbench.sqlite. */
export function resolveDbPath(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return flag ?? (env[DB_ENV_VAR] || join(userDataDir(env), 'rnnbench.sqlite')) // an empty RNNBENCH_DB is unset
}
