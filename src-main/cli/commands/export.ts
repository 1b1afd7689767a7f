import { writeFile } from 'node:fs/promises'
import { CLI_EXPORT_FORMATS } from '../../../src-shared/formats'
import { basename, dirname, extname, join } from 'node:path'
import { APP_VERSION } from '../../engine/build-info'
import { InputError } from '../../engine/errors'
import { ChromiumMissing } from '../../reports/chromium'
import { exportSweepFiles, loadNeedsOf } from '../../reports/export'
import { loadSweep } from '../../store/load'
import { MATCHINGS, type Matching } from '../../reports/matching'
import { parseCommandArgs, type Command } from '../command'
import { databasePath, openStore, sweepIdOrLatest } from '../options'
import { refuseDatabaseAsOutput } from '../files'

const FORMATS = CLI_EXPORT_FORMATS

export const exportCommand: Command = {
  name: 'export',
  summary: 'export a sweep: a report (HTML, Markdown, PDF) with verdicts and charts, or its runs (CSV, JSON)',
  help: `Usage: rnnbench export [--sweep ID] --format html|md|csv|json|pdf -o FILE [--matching hidden|params] [--db FILE]

html  one self-contained file that opens offline: verdicts (is one cell faster, lighter, more
      accurate than another, and is the difference significant), tables with median, IQR,
      mean ± std and 95% bootstrap intervals, the compare view's charts, every run's config, the
      machines, and what reproducing the sweep takes
md    the same as Markdown, with the charts as PNG files beside it (FILE-CHART.png; needs Chromium)
pdf   the HTML report printed by headless Chromium (needs Chrome, Chromium or Edge, and the optional npm package playwright-core)
csv   one flat row per run, config.* and figures.* as columns
json  the sweep, its spec, and every run with config, figures, environment, series, gradient flow

Options:
  --sweep ID           which sweep (default: the latest)
  --format FORMAT      html, md, csv, json or pdf
  -o, --out FILE       where to write it (- for standard output; not for md or pdf)
  --matching MODE      compare cells at equal hidden size (hidden, the default) or at about equal
                       parameter count (params)
  --db FILE            the database (default: $RNNBENCH_DB, else the app-data folder's)
  -h, --help           this text`,

  async run(argv, io) {
    const { values } = parseCommandArgs('export', argv, {
      sweep: { type: 'string' }, format: { type: 'string' }, out: { type: 'string', short: 'o' }, db: { type: 'string' }, matching: { type: 'string' },
    })
    const format = values.format as (typeof FORMATS)[number] | undefined
    if (!format || !FORMATS.includes(format)) throw new InputError('--format', `must be one of ${FORMATS.join(', ')}; got ${JSON.stringify(values.format ?? null)}`)
    if (!values.out) throw new InputError('--out', 'say where to write the export with -o FILE (or -o - for standard output)')
    if (values.out === '-' && (format === 'md' || format === 'pdf')) throw new InputError('--out', `${format} is written to a file (${format === 'md' ? 'with its charts beside it' : 'binary'}); give -o FILE`)
    const matching = (values.matching ?? 'hidden') as Matching
    if (!MATCHINGS.includes(matching)) throw new InputError('--matching', `must be one of ${MATCHINGS.join(', ')}; got ${JSON.stringify(values.matching)}`)
    const out = values.out
    const base = out === '-' ? 'report' : basename(out, extname(out))
    if (out !== '-') refuseDatabaseAsOutput(out, databasePath(values.db).path, '--out')
    const store = openStore(values.db, 'read')
    let files
    try {
      const sweepId = sweepIdOrLatest(store, values.sweep, '--sweep')
      try {
        files = await exportSweepFiles(loadSweep(store, sweepId, loadNeedsOf(format), '--sweep'), format, { matching, appVersion: APP_VERSION, base })
      } catch (err) {
        if (err instanceof ChromiumMissing) throw new ChromiumMissing(`${format.toUpperCase()} export`, '--format')
        throw err
      }
    } finally {
      store.close()
    }
    if (out === '-') {
      io.out(String(files[0].data))
      return 0
    }
    const folder = dirname(out)
    for (const [i, file] of files.entries()) {
      const path = i === 0 ? out : join(folder, file.name)
      refuseDatabaseAsOutput(path, store.path, '--out') // a chart's name beside it, too
      try {
        await writeFile(path, file.data)
      } catch (err) {
        throw new InputError('--out', `cannot write ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`)
      }
    }
    io.err(`wrote ${out} (${format})${files.length > 1 ? ` and ${files.length - 1} chart${files.length > 2 ? 's' : ''} beside it` : ''}\n`)
    if (format === 'md' && files.length === 1) io.err('rnnbench: the Markdown has no chart images: Chromium was not found to draw them (the HTML report has the charts)\n')
    return 0
  },
}
