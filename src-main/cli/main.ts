// Entry point of the `rnnbench` command (bin/rnnbench.mjs loads the built copy of this file).

import { runCli } from './run'

const io = {
  out: (text: string) => void process.stdout.write(text),
  err: (text: string) => void process.stderr.write(text),
  isTty: Boolean(process.stderr.isTTY),
}

runCli(process.argv.slice(2), io).then(
  (code) => { process.exitCode = code },
  (err) => { process.stderr.write(`rnnbench: ${(err as Error).message}\n`); process.exitCode = 1 },
)
