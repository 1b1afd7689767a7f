import { writeFile } from 'node:fs/promises'
import { InputError } from '../../engine/errors'
import { flattenRun, sweepExport, toCsv } from '../../reports/run-record'
import { parseCommandArgs, type Command } from '../command'
import { openStore, sweepIdOrLatest } from '../options'

const FORMATS = ['csv', 'json'] as const

export const exportCommand: Command = {
  name: 'export',
  summary: 'export a sweep as CSV (one flat row per run) or JSON (everything, with series)',
  help: `Usage: rnnbench export [--sweep ID] --format csv|json -o FILE [--db FILE]

CSV: one flat row per run, config.* and figures.* as columns. JSON: the sweep, its spec, and every
run with its config, figures, environment, metric series and gradient-flow snapshots.

Options:
  --sweep ID       which sweep (default: the latest)
  --format FORMAT  csv or json
  -o, --out FILE   where to write it (- for standard output)
  --db FILE        the database (default: $RNNBENCH_DB, else the app-data folder's)
  -h, --help       this text`,

  async run(argv, io) {
    const { values } = parseCommandArgs('export', argv, {
      sweep: { type: 'string' }, format: { type: 'string' }, out: { type: 'string', short: 'o' }, db: { type: 'string' },
    })
    const format = values.format
    if (!format || !(FORMATS as readonly string[]).includes(format)) throw new InputError('--format', `must be one of ${FORMATS.join(', ')}; got ${JSON.stringify(format ?? null)}`)
    if (!values.out) throw new InputError('--out', 'say where to write the export with -o FILE (or -o - for standard output)')
    const store = openStore(values.db)
    let text: string
    try {
      const sweepId = sweepIdOrLatest(store, values.sweep, '--sweep')
      text = format === 'csv' ? toCsv(store.listRuns(sweepId).map(flattenRun)) : JSON.stringify(sweepExport(store, sweepId), null, 1) + '\n'
    } finally {
      store.close()
    }
    if (values.out === '-') {
      io.out(text)
      return 0
    }
    try {
      await writeFile(values.out, text)
    } catch (err) {
      throw new InputError('--out', `cannot write ${values.out}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`)
    }
    io.err(`wrote ${values.out} (${format})\n`)
    return 0
  },
}
