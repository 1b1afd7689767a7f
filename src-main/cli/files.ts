import { realpathSync, statSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { basename, dirname, join, resolve } from 'node:path'
import { decodeDataText } from '../engine/data-file'
import { InputError } from '../engine/errors'

/**
 * A file's text, or standard input for '-', checked as UTF-8 (a spec in Latin-1 would otherwise
 * be read with its bytes replaced); unreadable files become an InputError on `field`.
 */
export async function readInput(path: string, field: string): Promise<string> {
  let bytes: Buffer
  if (path === '-') {
    const chunks: Buffer[] = []
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
    bytes = Buffer.concat(chunks)
  } else {
    try {
      bytes = await readFile(path)
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : (err as Error).message
      throw new InputError(field, `cannot read ${path}: ${why}`)
    }
  }
  return decodeDataText(bytes, path === '-' ? 'standard input' : path, field, 'a JSON text file')
}

/**
 * An InputError when writing `out` would write over the database (or its WAL or journal) by any
 * name: the same path, a link to it, or a hard link. `rnnbench export -o results.sqlite` with the
 * database there would otherwise replace every result with a CSV.
 */
export function refuseDatabaseAsOutput(out: string, database: string, field: string): void {
  if (database === ':memory:') return
  const target = fileIdentity(out)
  if (!target) return
  for (const suffix of ['', '-wal', '-shm', '-journal']) {
    const db = fileIdentity(database + suffix)
    if (db && (db.path === target.path || (db.ino !== null && db.ino === target.ino && db.dev === target.dev))) {
      throw new InputError(field, `${out} is the database${suffix ? ` (its ${suffix.slice(1)} file)` : ''} ${database}; writing there would destroy the results. Give another file`)
    }
  }
}

/** A path's real location and, if it exists, its inode; null when even its folder cannot be resolved. */
function fileIdentity(path: string): { path: string; dev: number | null; ino: number | null } | null {
  try {
    const real = realpathSync(path)
    const st = statSync(real)
    return { path: real, dev: st.dev, ino: st.ino }
  } catch {
    try {
      return { path: join(realpathSync(dirname(resolve(path))), basename(path)), dev: null, ino: null }
    } catch {
      return null
    }
  }
}

/** Whether two paths name one file (the same real path, or a hard link). */
export function sameFile(a: string, b: string): boolean {
  const x = fileIdentity(a), y = fileIdentity(b)
  return !!x && !!y && (x.path === y.path || (x.ino !== null && x.ino === y.ino && x.dev === y.dev))
}
