// Entry point of the `rnnbench` command (bin/rnnbench.mjs loads the built copy of this file).

import { runCli } from './run'

const io = {
  out: (text: string) => void process.stdout.write(text),
  err: (text: string) => void process.stderr.write(text),
  isTty: Boolean(process.stderr.isTTY),
  get columns() { return process.stderr.columns },
}

// `rnnbench runs | head`: a closed pipe ends the command quietly, as it does for other Unix tools.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0)
  throw err
})

runCli(process.argv.slice(2), io).then(
  (code) => { process.exitCode = code },
  (err) => { process.stderr.write(`rnnbench: ${(err as Error).message}\n`); process.exitCode = 1 },
)
