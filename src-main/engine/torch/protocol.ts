// The one contract of the pipe between rnnbench and its PyTorch process: every op, the header fields
// and arrays its request carries, and those its answer carries. Both ends check every frame against
// it (process.ts here, `OPS` in rnnbench_torch.py there), and test/engine/torch-protocol.test.ts
// compares the two tables. A name ending in '?' may be absent; every other one must be there.

/** Each op: request header fields, request arrays, answer header fields, answer arrays. */
export const TORCH_OPS = {
  hello: { fields: [], arrays: [], reply: ['protocol', 'pid', 'python', 'executable', 'platform'], replyArrays: [] },
  create: { fields: ['model', 'device', 'threads', 'network', 'head', 'layout'], arrays: [], reply: [], replyArrays: [] },
  dispose: { fields: ['model'], arrays: [], reply: [], replyArrays: [] },
  setParameters: { fields: ['model'], arrays: ['values'], reply: [], replyArrays: [] },
  getParameters: { fields: ['model'], arrays: [], reply: [], replyArrays: ['values'] },
  getGradients: { fields: ['model'], arrays: [], reply: [], replyArrays: ['values'] },
  setOptimizer: { fields: ['model', 'optimizer'], arrays: [], reply: [], replyArrays: [] },
  trainStep: {
    fields: ['model', 'T', 'B', 'gradFlow', 'dropoutSeed', 'update'], arrays: ['x', 'targets', 'h0?', 'c0?'],
    reply: ['loss', 'gradNorm', 'forwardMs', 'backwardMs', 'stepMs', 'activationBytes', 'deviceBytes?'], replyArrays: ['gradFlow?'],
  },
  runStack: {
    fields: ['model', 'T', 'B'], arrays: ['x', 'h0?', 'c0?', 'dy?'],
    reply: ['forwardMs', 'backwardMs', 'totalMs', 'deviceBytes?'], replyArrays: ['y', 'hn', 'cn?', 'dx?', 'dh0?', 'dc0?'],
  },
  predict: { fields: ['model', 'T', 'B'], arrays: ['x', 'h0?', 'c0?'], reply: [], replyArrays: ['out'] },
} as const satisfies Record<string, { fields: readonly string[]; arrays: readonly string[]; reply: readonly string[]; replyArrays: readonly string[] }>

export type TorchOp = keyof typeof TORCH_OPS

type Name<S> = S extends `${infer N}?` ? N : S
type Required<S> = S extends `${string}?` ? never : S
type Optional<S> = S extends `${infer N}?` ? N : never
type Fields<L extends readonly string[]> = { [K in Required<L[number]>]: unknown } & { [K in Optional<L[number]>]?: unknown }

/** The header fields an op's request carries (the pipe adds `id` and `op`). */
export type TorchRequest<Op extends TorchOp> = Fields<(typeof TORCH_OPS)[Op]['fields']>
/** The names of the arrays an op's request may carry. */
export type TorchRequestArray<Op extends TorchOp> = Name<(typeof TORCH_OPS)[Op]['arrays'][number]>

/** What a frame breaks of the table, in words; null when it keeps it. */
export function protocolBreach(op: string, side: 'request' | 'reply', header: Record<string, unknown>, arrays: readonly string[]): string | null {
  const spec = (TORCH_OPS as Record<string, (typeof TORCH_OPS)[TorchOp]>)[op]
  if (!spec) return `unknown op ${JSON.stringify(op)}; the protocol has ${Object.keys(TORCH_OPS).join(', ')}`
  const fields: readonly string[] = side === 'request' ? spec.fields : spec.reply
  const arrayNames: readonly string[] = side === 'request' ? spec.arrays : spec.replyArrays
  for (const f of fields) if (!f.endsWith('?') && !(f in header)) return `the ${op} ${side} lacks its ${f} field`
  for (const a of arrayNames) if (!a.endsWith('?') && !arrays.includes(a)) return `the ${op} ${side} lacks its ${a} array`
  const allowed = new Set(arrayNames.map((a) => a.replace(/\?$/, '')))
  for (const a of arrays) if (!allowed.has(a)) return `the ${op} ${side} carries an array ${JSON.stringify(a)} the protocol does not name`
  return null
}
