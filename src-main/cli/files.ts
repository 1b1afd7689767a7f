import { readFile } from 'node:fs/promises'
import { InputError } from '../engine/errors'

/** A file's text, or standard input for '-'; unreadable files become an InputError on `field`. */
export async function readInput(path: string, field: string): Promise<string> {
  if (path === '-') {
    const chunks: Buffer[] = []
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
    return Buffer.concat(chunks).toString('utf8')
  }
  try {
    return await readFile(path, 'utf8')
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : (err as Error).message
    throw new InputError(field, `cannot read ${path}: ${why}`)
  }
}
