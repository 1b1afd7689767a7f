// How a WGSL kernel is declared. Every kernel sees the same two bindings: its arguments (a uniform
// block, bound with a dynamic offset so that one bind group serves every dispatch of a step) and
// the arena, the one storage buffer that holds parameters, gradients, optimizer state and every
// activation at offsets in floats. One buffer means no aliasing rules to respect between bindings
// and one bind group per plan; the offsets in the arguments say where each operand lives.
//
// The argument list is written once, here in TypeScript: the WGSL struct and the packing of the
// uniform block are both generated from it, so they cannot drift apart.

export type ArgType = 'u32' | 'f32'

export interface KernelDef<A extends string = string> {
  name: string
  /** Arguments in uniform-block order; at most ARG_SLOTS of them. */
  args: ReadonlyArray<readonly [A, ArgType]>
  /** WGSL after the shared prologue: helpers, workgroup variables and `fn main`. */
  body: string
}

/** 32 four-byte slots: the size of one dispatch's argument block (its stride is 256, the offset alignment). */
export const ARG_SLOTS = 32
export const ARG_BLOCK_BYTES = ARG_SLOTS * 4
export const ARG_STRIDE_BYTES = 256

export type KernelArgs<K extends KernelDef> = { [P in K['args'][number][0]]: number }

export function defineKernel<const A extends string>(def: KernelDef<A>): KernelDef<A> {
  if (def.args.length > ARG_SLOTS) throw new Error(`kernel ${def.name}: ${def.args.length} arguments, at most ${ARG_SLOTS}`)
  return def
}

/** Numerically safe activations shared by the cell kernels (a naive tanh gives inf/inf for large inputs). */
const ACTIVATIONS = /* wgsl */ `
fn sigmoid(x: f32) -> f32 {
  let e = exp(-abs(x));
  return select(e / (1.0 + e), 1.0 / (1.0 + e), x >= 0.0);
}
fn tanh_(x: f32) -> f32 {
  let e = exp(-2.0 * abs(x));
  let t = (1.0 - e) / (1.0 + e);
  return select(-t, t, x >= 0.0);
}
`

export function kernelSource(def: KernelDef): string {
  const fields = def.args.map(([name, type]) => `  ${name}: ${type},`).join('\n')
  return `struct Args {\n${fields}\n}
@group(0) @binding(0) var<uniform> a: Args;
@group(0) @binding(1) var<storage, read_write> m: array<f32>;
${ACTIVATIONS}
${def.body}`
}

/** Writes one dispatch's arguments into its block of the plan's uniform data. */
export function packArgs(def: KernelDef, values: Record<string, number>, u32: Uint32Array, f32: Float32Array, slot0: number): void {
  def.args.forEach(([name, type], i) => {
    const v = values[name]
    if (v === undefined || !Number.isFinite(v)) throw new Error(`kernel ${def.name}: argument ${name} is ${v}`)
    if (type === 'u32') {
      if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new Error(`kernel ${def.name}: argument ${name} = ${v} is not a u32`)
      u32[slot0 + i] = v
    } else {
      f32[slot0 + i] = v
    }
  })
}
