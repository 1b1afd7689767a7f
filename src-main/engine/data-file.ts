// Reading a user's data file (a CSV or TSV series, labelled sequences, a text to learn): one
// place that says, in one line naming the file, why it cannot be used — missing, a directory,
// too large, not text, not UTF-8 — before a sweep starts and again in the worker that trains.

import { open, stat } from 'node:fs/promises'
import { InputError } from './errors'

/** Larger files are refused: rnnbench keeps a task's data in memory in every worker. */
export const MAX_DATA_BYTES = 32 * 2 ** 20

export async function readDataFile(path: string, field: string): Promise<string> {
  let size: number
  try {
    const s = await stat(path)
    if (s.isDirectory()) throw new InputError(field, `${path} is a directory; give a CSV or text file`)
    size = s.size
  } catch (err) {
    if (err instanceof InputError) throw err
    const code = (err as NodeJS.ErrnoException).code
    throw new InputError(field, `cannot read ${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (err as Error).message}`)
  }
  if (size > MAX_DATA_BYTES) throw new InputError(field, `${path} is ${(size / 2 ** 20).toFixed(1)} MiB, over the ${MAX_DATA_BYTES / 2 ** 20} MiB a data file may have`)
  const handle = await open(path, 'r')
  let bytes: Buffer
  try {
    bytes = await handle.readFile()
  } finally {
    await handle.close()
  }
  return decodeDataText(bytes, path, field)
}

/** The bytes as UTF-8 text (a byte-order mark dropped), or one line saying why they are not. */
export function decodeDataText(bytes: Uint8Array, path: string, field: string, wanted = 'a CSV, TSV or text file'): string {
  const nul = bytes.subarray(0, 65_536).indexOf(0)
  if (nul >= 0) throw new InputError(field, `${path} is not a text file (a zero byte at offset ${nul}); give ${wanted}`)
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes)
  } catch {
    // Find the first byte that breaks UTF-8, to point at it.
    let at = 0
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i]
      const extra = b < 0x80 ? 0 : (b & 0xe0) === 0xc0 ? 1 : (b & 0xf0) === 0xe0 ? 2 : (b & 0xf8) === 0xf0 ? 3 : -1
      if (extra < 0 || [...bytes.subarray(i + 1, i + 1 + extra)].some((c) => (c & 0xc0) !== 0x80) || i + extra >= bytes.length) { at = i; break }
      i += extra
    }
    throw new InputError(field, `${path} is not UTF-8 text (byte 0x${bytes[at].toString(16).toUpperCase()} at offset ${at}, as Latin-1 or Windows-1252 would write it); save it as UTF-8`)
  }
}
