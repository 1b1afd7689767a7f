import { sweepRecord } from '../../reports/run-record'
import { parseCommandArgs, type Command } from '../command'
import { existsSync } from 'node:fs'
import { databasePath, openStore } from '../options'
import { InputError } from '../../engine/errors'
import { incompleteSweepLines } from '../../store/completeness'

export const sweepsCommand: Command = {
  name: 'sweeps',
  summary: 'list the sweeps in the database with their run counts',
  help: `Usage: rnnbench sweeps [--db FILE] [--json]

Options:
  --db FILE    the database (default: $RNNBENCH_DB, else the app-data folder's)
  --json       machine-readable output
  -h, --help   this text`,

  async run(argv, io) {
    const { values } = parseCommandArgs('sweeps', argv, { db: { type: 'string' }, json: { type: 'boolean' } })
    const { path } = databasePath(values.db)
    if (path !== ':memory:' && !existsSync(path)) {
      // A --db that is not there is a typo until shown otherwise; the default place, merely empty.
      if (values.db !== undefined) throw new InputError('--db', `no database at ${path}; give an existing one with --db, or run a sweep first`)
      if (values.json) io.out('[]\n')
      else io.out(`no database at ${path} yet; start a sweep with: rnnbench sweep --preset quick\n`)
      return 0
    }
    const store = openStore(values.db, 'read')
    try {
      const sweeps = store.listSweeps()
      if (values.json) {
        io.out(JSON.stringify(sweeps.map(sweepRecord), null, 2) + '\n')
        return 0
      }
      if (sweeps.length === 0) {
        io.out(`no sweeps in ${store.path} yet; start one with: rnnbench sweep --preset quick\n`)
        return 0
      }
      io.out(`${'id'.padStart(4)}  ${'name'.padEnd(24)} ${'created'.padEnd(20)} ${'runs'.padStart(5)} ${'done'.padStart(5)} ${'div.'.padStart(5)} ${'fail'.padStart(5)} ${'left'.padStart(5)} ${'never'.padStart(5)}\n`)
      for (const s of sweeps) {
        const c = s.counts
        io.out(`${String(s.id).padStart(4)}  ${s.name.slice(0, 24).padEnd(24)} ${s.createdAt.slice(0, 19).replace('T', ' ').padEnd(20)} ${String(s.total).padStart(5)} ${String(c.done).padStart(5)} ${String(c.diverged).padStart(5)} ${String(c.failed).padStart(5)} ${String(c.pending + c.running + c.cancelled).padStart(5)} ${String(s.planned - s.total).padStart(5)}\n`)
      }
      // "never": runs the sweep planned that are in no database here (a shard not imported).
      for (const line of incompleteSweepLines(store, values.db !== undefined ? ` --db ${values.db}` : '')) io.out(`\n${line}\n`)
      return 0
    } finally {
      store.close()
    }
  },
}
