import { writeFile } from 'node:fs/promises'
import { BACKEND_NAMES } from '../../engine/backend'
import { getBackend, parseBackendName } from '../../engine/backends'
import { compareNested, PARITY_ATOL, PARITY_RTOL, type Nested } from '../../engine/compare'
import { InputError } from '../../engine/errors'
import { parseParityCase, runParity } from '../../engine/parity'
import { parseCommandArgs, type Command } from '../command'
import { readInput } from '../files'

export const parityCommand: Command = {
  name: 'parity',
  summary: 'run one forward and backward pass of a parity case (checks a backend against PyTorch)',
  help: `Usage: rnnbench parity CASE.json [--backend NAME] [-o OUT.json] [--expect WANT.json]

Runs one forward and one backward pass of the stacked network that CASE.json describes and
writes the outputs, final states and every gradient. CASE and OUT follow docs/PARITY.md
(tolerance: docs/NUMERICS.md §2): cell, input_size, hidden_size, num_layers, bidirectional, weights (every
state_dict entry), x [T][B][I], optional h0/c0 [L*D][B][H], and dy [T][B][D*H], the upstream
gradient of the output sequence (loss = sum(y * dy)). CASE may be - for standard input.

Options:
  --backend NAME   cpu-js (default), ${BACKEND_NAMES.slice(1).join(', ')}
  -o, --out FILE   write the result there instead of standard output
  --expect FILE    compare the result with FILE (e.g. PyTorch's) within
                   |got - want| <= ${PARITY_ATOL} + ${PARITY_RTOL}*|want|; print the worst value;
                   exit 1 if any value is outside
  -h, --help       this text`,

  async run(argv, io) {
    const { values, positionals } = parseCommandArgs('parity', argv, {
      backend: { type: 'string', default: 'cpu-js' },
      out: { type: 'string', short: 'o' },
      expect: { type: 'string' },
    }, 'CASE')
    if (positionals.length !== 1) throw new InputError('CASE', `expected exactly one case file (or - for standard input); got ${positionals.length}. See \`rnnbench parity --help\``)
    const backendName = parseBackendName(values.backend, '--backend')
    const pc = parseParityCase(await readInput(positionals[0], 'CASE'))
    const backend = await getBackend(backendName)
    const result = await runParity(backend, pc)
    const text = JSON.stringify(result) + '\n'
    if (values.out) {
      try {
        await writeFile(values.out, text)
      } catch (err) {
        throw new InputError('--out', `cannot write ${values.out}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`)
      }
    } else if (!values.expect) {
      io.out(text)
    }
    if (values.expect) {
      let want: Nested
      try {
        want = JSON.parse(await readInput(values.expect, '--expect')) as Nested
      } catch (err) {
        if (err instanceof InputError) throw err
        throw new InputError('--expect', `not valid JSON: ${(err as Error).message}`)
      }
      const c = compareNested(result, want)
      const worst = c.worst ? `${c.worst.path}: got ${c.worst.got}, want ${c.worst.want}` : 'none'
      const verdict = c.failures === 0 ? 'PASS' : 'FAIL'
      io.err(`${verdict} ${backendName}: ${c.count - c.failures}/${c.count} values within ${PARITY_ATOL} + ${PARITY_RTOL}·|want|; worst ${worst}\n`)
      return c.failures === 0 && c.count > 0 ? 0 : 1
    }
    return 0
  },
}
