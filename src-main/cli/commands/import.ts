import { InputError } from '../../engine/errors'
import { parseCommandArgs, type Command } from '../command'
import { openStore } from '../options'

export const importCommand: Command = {
  name: 'import',
  summary: "merge another machine's runs (a shard's database) into this database, without duplicates",
  help: `Usage: rnnbench import OTHER.sqlite [--db FILE] [--json]

Merges the sweeps and runs of OTHER.sqlite into the database. A sweep with the same name and spec
is the same sweep, and its runs line up by their place in the expanded sweep, so the shards of a
sweep run on several machines (rnnbench sweep SPEC --shard i/n) merge into one. A run finished here
is never replaced; one not finished here takes the other's result; importing twice adds nothing.
OTHER.sqlite is opened read-only.

Options:
  --db FILE    the database to merge into (default: $RNNBENCH_DB, else the app-data folder's)
  --json       print what was merged as JSON
  -h, --help   this text`,

  async run(argv, io) {
    const { values, positionals } = parseCommandArgs('import', argv, { db: { type: 'string' }, json: { type: 'boolean' } })
    if (positionals.length !== 1) throw new InputError('OTHER', 'give one database file to import; see `rnnbench import --help`')
    const store = openStore(values.db)
    try {
      const s = store.importDatabase(positionals[0])
      if (values.json) io.out(JSON.stringify({ db: store.path, ...s }) + '\n')
      io.err(`imported ${positionals[0]} into ${store.path}: ${s.sweeps} sweep${s.sweeps === 1 ? '' : 's'} (${s.createdSweeps} new), ${s.added} runs added, ${s.replaced} completed, ${s.unchanged} already here\n`)
      if (s.skippedRunning) io.err(`rnnbench: ${s.skippedRunning} run${s.skippedRunning === 1 ? ' left as it is' : 's left as they are'}: ${s.runningIn.join(', ')} is running ${s.skippedRunning === 1 ? 'it' : 'them'} here; import again once it ends\n`)
      return 0
    } finally {
      store.close()
    }
  },
}
