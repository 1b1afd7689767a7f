// The frames rnnbench and its PyTorch process exchange over the child's stdin and stdout, both
// ways the same (rnnbench_torch.py has the other half; docs/TORCH.md describes it):
//
//   u32 n | u32 h | h bytes of JSON header | n − 4 − h bytes of arrays        (little-endian)
//
// The header's `arrays` lists [name, dtype, count] for the raw arrays that follow, in order. Bulk
// data (weights, batches, gradients) travels as raw float32 or int32, never as JSON numbers.

export type DType = 'f32' | 'i32'
export type ArraySpec = [name: string, dtype: DType, count: number]

export interface FrameHeader {
  [key: string]: unknown
  arrays?: ArraySpec[]
}

export interface OutgoingArray { name: string; dtype: DType; values: ArrayLike<number> }

/** One frame as one Buffer: the inputs are copied, so the caller may reuse its arrays at once. */
export function encodeFrame(header: Record<string, unknown>, arrays: OutgoingArray[] = []): Buffer {
  const specs: ArraySpec[] = arrays.map((a) => [a.name, a.dtype, a.values.length])
  const head = Buffer.from(JSON.stringify({ ...header, arrays: specs }), 'utf8')
  const bytes = arrays.reduce((n, a) => n + 4 * a.values.length, 0)
  const frame = Buffer.allocUnsafe(8 + head.length + bytes)
  frame.writeUInt32LE(4 + head.length + bytes, 0)
  frame.writeUInt32LE(head.length, 4)
  head.copy(frame, 8)
  let off = 8 + head.length
  for (const a of arrays) {
    // A view over the frame's own memory: offsets are multiples of 4 only by luck of the header's
    // length, so each array is copied through a typed array of its own when misaligned.
    const n = a.values.length
    const typed = a.dtype === 'f32' ? new Float32Array(n) : new Int32Array(n)
    typed.set(a.values)
    Buffer.from(typed.buffer, typed.byteOffset, 4 * n).copy(frame, off)
    off += 4 * n
  }
  return frame
}

export interface DecodedFrame {
  header: FrameHeader
  arrays: Map<string, Float32Array | Int32Array>
}

/**
 * Reassembles frames from the chunks a pipe delivers, however they are cut. `push` returns the
 * frames completed by this chunk.
 */
export class FrameReader {
  private chunks: Buffer[] = []
  private buffered = 0

  push(chunk: Buffer): DecodedFrame[] {
    this.chunks.push(chunk)
    this.buffered += chunk.length
    const frames: DecodedFrame[] = []
    for (;;) {
      if (this.buffered < 4) break
      const first = this.peek(4)
      const n = first.readUInt32LE(0)
      if (this.buffered < 4 + n) break
      const body = this.take(4 + n).subarray(4)
      frames.push(decodeBody(body))
    }
    return frames
  }

  private peek(n: number): Buffer {
    if (this.chunks[0].length < n) this.chunks = [Buffer.concat(this.chunks)]
    return this.chunks[0].subarray(0, n)
  }

  private take(n: number): Buffer {
    const all = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks)
    const frame = all.subarray(0, n)
    const rest = all.subarray(n)
    this.chunks = rest.length ? [rest] : []
    this.buffered = rest.length
    return frame
  }
}

function decodeBody(body: Buffer): DecodedFrame {
  const h = body.readUInt32LE(0)
  const header = JSON.parse(body.subarray(4, 4 + h).toString('utf8')) as FrameHeader
  const arrays = new Map<string, Float32Array | Int32Array>()
  let off = 4 + h
  for (const [name, dtype, count] of header.arrays ?? []) {
    // Copied out into aligned memory of its own (the frame's offsets need not be multiples of 4).
    const bytes = new Uint8Array(4 * count)
    bytes.set(body.subarray(off, off + 4 * count))
    arrays.set(name, dtype === 'f32' ? new Float32Array(bytes.buffer) : new Int32Array(bytes.buffer))
    off += 4 * count
  }
  if (off !== body.length) throw new Error(`a frame from the PyTorch process has ${body.length - off} bytes its header does not describe`)
  return { header, arrays }
}
