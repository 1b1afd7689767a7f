import { fileURLToPath } from 'node:url'
import { AppService } from '../../app/service'
import { APP_VERSION } from '../../engine/build-info'
import { InputError } from '../../engine/errors'
import { startServer } from '../../serve/server'
import { defaultWorkerCount } from '../../workers/pool'
import { parseCommandArgs, type Command } from '../command'
import { readDataFile } from '../../engine/data-file'
import { openStore, workersOption } from '../options'
import { WORKER_SCRIPT } from '../sweep-session'

const DEFAULT_PORT = 7878

export const serveCommand: Command = {
  name: 'serve',
  summary: 'show the app in a browser: the same UI and API as the desktop app, over HTTP',
  help: `Usage: rnnbench serve [--port N] [--host ADDRESS] [--db FILE] [--workers N]

Serves the desktop app's UI to a browser, for headless machines and for tests, and prints the URL
to open. The URL carries a random access token: requests without it, or from another site's pages,
are refused. Sweeps started in the page run in worker threads of this process; Ctrl-C stops the
server, and a sweep in progress is marked cancelled (resume it later from the History view or with
\`rnnbench resume\`). SIGTERM stops it too, the runs marked interrupted, exit 143, as for \`sweep\`.

Options:
  --port N          the port (default ${DEFAULT_PORT}; 0 for any free port)
  --host ADDRESS    the address to listen on (default 127.0.0.1, this machine only; 0.0.0.0 for
                    every interface, with the token as the only guard)
  --db FILE         the database (default: $RNNBENCH_DB, else the app-data folder's)
  --workers N       worker threads for sweeps (default ${defaultWorkerCount()} here; at most the
                    cores unless --oversubscribe)
  --oversubscribe   allow more workers than cores (step times then include their contention)
  -h, --help        this text`,

  async run(argv, io) {
    const { values, positionals } = parseCommandArgs('serve', argv, {
      port: { type: 'string' }, host: { type: 'string' }, db: { type: 'string' }, workers: { type: 'string' }, oversubscribe: { type: 'boolean' },
    }, 'none') // refused below, in its own words
    if (positionals.length) throw new InputError('serve', `takes no positional arguments; got ${JSON.stringify(positionals[0])}`)
    const port = values.port === undefined ? DEFAULT_PORT : Number(values.port)
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InputError('--port', `must be an integer from 0 to 65535; got ${JSON.stringify(values.port)}`)
    const host = values.host ?? '127.0.0.1'
    const { requested, cap } = workersOption(values.workers, values.oversubscribe)
    const workers = requested ?? defaultWorkerCount()
    const store = openStore(values.db, 'create')
    const service = new AppService(store, { workers, maxWorkers: cap, workerScript: WORKER_SCRIPT, appVersion: APP_VERSION, readText: readDataFile })
    let server
    try {
      server = await startServer({ service, rendererDir: fileURLToPath(new URL('../renderer/', import.meta.url)), host, port })
    } catch (err) {
      store.close()
      const code = (err as NodeJS.ErrnoException).code
      if (code === 'EADDRINUSE') throw new InputError('--port', `${port} is in use; choose another with --port N (0 for any free port)`)
      if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') throw new InputError('--host', `cannot listen on ${host}: not an address of this machine`)
      if (code === 'EACCES') throw new InputError('--port', `not allowed to listen on port ${port}; use one above 1023`)
      throw err
    }
    io.err(`rnnbench serve: ${store.path}, ${workers} worker${workers > 1 ? 's' : ''}${host === '127.0.0.1' || host === 'localhost' ? ', this machine only' : `, listening on ${host}`}\n`)
    io.err(`open: ${server.url}\n`)
    io.err('Ctrl-C to stop.\n')
    io.out(`${server.url}\n`)
    // As in \`sweep\`: Ctrl-C is the user stopping (runs in progress cancelled, exit 130 only if one
    // was); SIGTERM is the process being told to stop (runs marked interrupted, exit 143).
    const signal = await new Promise<'SIGINT' | 'SIGTERM'>((resolve) => {
      process.once('SIGINT', () => resolve('SIGINT'))
      process.once('SIGTERM', () => resolve('SIGTERM'))
    })
    io.err(`\nrnnbench serve: ${signal === 'SIGTERM' ? 'SIGTERM: ' : ''}stopping...\n`)
    await service.close(signal === 'SIGTERM' ? 'interrupted by SIGTERM' : 'cancelled by the user')
    await server.close()
    store.close()
    return signal === 'SIGTERM' ? 143 : 0
  },
}
