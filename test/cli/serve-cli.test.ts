// `rnnbench serve` from the command line: bad options get one line naming the option and exit 2.

import { createServer } from 'node:net'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { rnnbench } from '../helpers/cli'

const db = () => join(mkdtempSync(join(tmpdir(), 'rnnbench-serve-')), 'db.sqlite')

describe('rnnbench serve', () => {
  it.each([
    [['--port', 'http'], /^rnnbench: --port: must be an integer from 0 to 65535; got "http"$/],
    [['--port', '70000'], /^rnnbench: --port: must be an integer from 0 to 65535/],
    [['--workers', '0'], /^rnnbench: --workers: must be a positive integer/],
    [['--host', '203.0.113.9'], /^rnnbench: --host: cannot listen on 203\.0\.113\.9: not an address of this machine$/],
    [['extra'], /^rnnbench: serve: takes no positional arguments/],
  ])('refuses %j with exit 2', (args, message) => {
    const r = rnnbench(['serve', '--db', db(), ...args])
    expect(r.code).toBe(2)
    expect(r.stderr.trim()).toMatch(message)
  })

  it('says when the port is taken', async () => {
    const blocker = createServer()
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve))
    const port = (blocker.address() as { port: number }).port
    const r = rnnbench(['serve', '--db', db(), '--port', String(port)])
    blocker.close()
    expect(r.code).toBe(2)
    expect(r.stderr.trim()).toBe(`rnnbench: --port: ${port} is in use; choose another with --port N (0 for any free port)`)
  })
})
