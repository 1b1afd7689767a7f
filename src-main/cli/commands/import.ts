import { InputError } from '../../engine/errors'
import { parseCommandArgs, type Command } from '../command'
import { databasePath, openStore } from '../options'
import { existsSync } from 'node:fs'
import { readImportSource, type ImportSource } from '../../store/import'
import { sameFile } from '../files'
import { incompleteSweepLines } from '../../store/completeness'

export const importCommand: Command = {
  name: 'import',
  summary: "merge another machine's runs (a shard's database) into this database, without duplicates",
  help: `Usage: rnnbench import OTHER.sqlite [MORE.sqlite ...] [--db FILE] [--json]

Merges the sweeps and runs of each OTHER.sqlite into the database, in the order given. A sweep with
the same name and spec is the same sweep, and its runs line up by their place in the expanded
sweep, so the shards of a sweep run on several machines (rnnbench sweep SPEC --shard i/n) merge
into one: \`rnnbench import shard-*.sqlite\`. A run finished here is never replaced; one not
finished here takes the other's result; importing twice adds nothing. Each file is opened
read-only; one that cannot be read is reported and the others are still merged (exit 2 then).

Options:
  --db FILE    the database to merge into (default: $RNNBENCH_DB, else the app-data folder's)
  --json       print what was merged from each file as JSON (one object per file)
  -h, --help   this text`,

  async run(argv, io) {
    const { values, positionals } = parseCommandArgs('import', argv, { db: { type: 'string' }, json: { type: 'boolean' } }, 'OTHER')
    if (positionals.length < 1) throw new InputError('OTHER', 'give one or more database files to import; see `rnnbench import --help`')
    // Every file is read and checked first, and the database opened only when one of them can be
    // merged: a refusal leaves no file behind, and an error names the file it is about.
    const { path: target } = databasePath(values.db)
    const results: Array<Record<string, unknown>> = []
    const sources: ImportSource[] = []
    let refused = 0
    const refuse = (file: string, err: unknown) => {
      // One file: its error is the command's, one line and exit 2, as for any bad input.
      if (!(err instanceof InputError) || positionals.length === 1) throw err
      refused++
      results.push({ file, refused: err.message })
      io.err(`${file}: refused: ${err.message.replace(/^OTHER: /, '')}\n`)
    }
    try {
      for (const file of positionals) {
        try {
          if (existsSync(target) && sameFile(file, target)) throw new InputError('OTHER', `${file} is this database itself`)
          sources.push(readImportSource(file, 'OTHER'))
        } catch (err) {
          refuse(file, err)
        }
      }
      if (!sources.length) {
        if (values.json) io.out(JSON.stringify({ db: target, files: results }) + '\n')
        io.err(`imported 0 of ${positionals.length} files; ${target} was not touched\n`)
        return 2
      }
      const store = openStore(values.db, 'create')
      try {
        for (const source of sources) {
          try {
            const s = store.importDatabase(source)
            results.push({ file: source.path, ...s })
            io.err(`${source.path}: ${s.sweeps} sweep${s.sweeps === 1 ? '' : 's'} (${s.createdSweeps} new), ${s.added} runs added, ${s.replaced} completed, ${s.unchanged} already here${s.skipped ? `, ${s.skipped} damaged row${s.skipped === 1 ? '' : 's'} left out (said above)` : ''}${s.skippedRunning ? `, ${s.skippedRunning} skipped (running here: ${s.runningIn.join(', ')}; import again once it ends)` : ''}\n`)
          } catch (err) {
            refuse(source.path, err)
          }
        }
        if (values.json) io.out(JSON.stringify(positionals.length === 1 && !refused ? { db: store.path, ...results[0] } : { db: store.path, files: results }) + '\n')
        io.err(`imported ${positionals.length - refused} of ${positionals.length} file${positionals.length === 1 ? '' : 's'} into ${store.path}\n`)
        for (const line of incompleteSweepLines(store)) io.err(`${line}\n`)
        return refused ? 2 : 0
      } finally {
        store.close()
      }
    } finally {
      for (const source of sources) source.close()
    }
  },
}
