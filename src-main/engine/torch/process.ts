// The PyTorch process behind the torch-* backends: which Python it is, starting it, and one
// request at a time over its pipes. One process per JavaScript thread (a sweep worker, the CLI),
// started on first use and shared by every model that thread builds; when it dies, every request in
// flight fails with the reason, and the next model starts a fresh one.

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { existsSync } from 'node:fs'
import PROGRAM from './rnnbench_torch.py?raw'
import { encodeFrame, FrameReader, type DecodedFrame, type OutgoingArray } from './frames'
import { protocolBreach, type TorchOp, type TorchRequest, type TorchRequestArray } from './protocol'

/** What `hello` answers: the Python, and what its torch can run on (rnnbench_torch.py's probe()). */
export interface TorchInfo {
  python: string
  executable: string
  platform: string
  pid: number
  protocol: number
  /** Why torch cannot be used: not installed, too old, failed to load. */
  error?: string
  torch?: string
  cpu?: { threads: number; blas: string | null; blasLibraries: string[]; mkldnn: boolean; capability: string | null }
  cuda?: { available: boolean; version: string | null; devices?: string[]; cudnn?: number | null; reason?: string }
  mps?: { available: boolean; reason?: string }
}

/** The Python to run: RNNBENCH_PYTHON alone when set; else python3 on PATH, then the system's. */
export function pythonCandidates(env: NodeJS.ProcessEnv = process.env): Array<{ command: string; from: string }> {
  if (env.RNNBENCH_PYTHON) return [{ command: env.RNNBENCH_PYTHON, from: 'RNNBENCH_PYTHON' }]
  const onPath = process.platform === 'win32' ? 'python' : 'python3'
  const list = [{ command: onPath, from: 'PATH' }]
  // A version manager's python3 (pyenv, conda) often shadows the one a package manager gave torch.
  if (process.platform !== 'win32' && existsSync('/usr/bin/python3')) list.push({ command: '/usr/bin/python3', from: 'the system' })
  return list
}

// Python reads the program from the pipe before the first frame, so that it needs no file on disk
// (the app runs from an asar archive) and its tracebacks still name rnnbench_torch.py and its lines.
const BOOTSTRAP = [
  'import sys, linecache',
  'n = int(sys.stdin.buffer.readline())',
  's = sys.stdin.buffer.read(n).decode("utf-8")',
  'linecache.cache["rnnbench_torch.py"] = (len(s), None, s.splitlines(True), "rnnbench_torch.py")',
  'exec(compile(s, "rnnbench_torch.py", "exec"), {"__name__": "__main__"})',
].join('\n')

/** A request the PyTorch process answered with an error (a Python exception). */
export class TorchRequestError extends Error {
  override readonly name = 'TorchRequestError'
  constructor(message: string, readonly traceback: string) { super(message) }
}

interface Pending { id: number; op: string; resolve(frame: DecodedFrame): void; reject(err: Error): void }

/** How long a process with no model and nothing to do waits before it ends. */
const IDLE_CLOSE_MS = 30_000

export class TorchProcess {
  private readonly child: ChildProcessWithoutNullStreams
  private readonly reader = new FrameReader()
  private readonly pending: Pending[] = []
  private nextId = 1
  private stderrTail = ''
  /** Models built in it and not yet disposed; with none and nothing in flight it ends after IDLE_CLOSE_MS. */
  private models = 0
  private idleTimer: NodeJS.Timeout | null = null
  /** Why this process can take no more requests; null while it runs. */
  ended: string | null = null
  /** How it ended ("exited with code 1", "was killed by SIGKILL") and its last words, once it has. */
  private exit: { how: string; lastWords: string } | null = null
  readonly exited: Promise<void>

  constructor(readonly command: string) {
    this.child = spawn(command, ['-c', BOOTSTRAP], { stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true })
    const source = Buffer.from(PROGRAM, 'utf8')
    this.child.stdin.on('error', () => { /* EPIPE once it has died: 'close' says why */ })
    this.child.stdin.write(`${source.length}\n`)
    this.child.stdin.write(source)
    this.child.stdout.on('data', (chunk: Buffer) => this.receive(chunk))
    this.child.stderr.on('data', (chunk: Buffer) => { this.stderrTail = (this.stderrTail + chunk.toString('utf8')).slice(-4000) })
    this.exited = new Promise((resolve) => {
      this.child.on('error', (err: NodeJS.ErrnoException) => {
        this.end(err.code === 'ENOENT' ? `${command} was not found` : `${command} could not be started: ${err.message}`)
        resolve()
      })
      this.child.on('close', (code, signal) => {
        this.exit = { how: signal ? `was killed by ${signal}` : `exited with code ${code}`, lastWords: this.lastWords() }
        this.end(`the PyTorch process (pid ${this.child.pid}, ${command}) ${this.exit.how}`, this.exit.lastWords)
        resolve()
      })
    })
    this.idle()
  }

  get pid(): number | undefined { return this.child.pid }

  /** One request; its answer, or an error saying why there is none. Frames are written at once, in call order. */
  request<Op extends TorchOp>(op: Op, fields: TorchRequest<Op>, arrays: Array<OutgoingArray & { name: TorchRequestArray<Op> }> = []): Promise<DecodedFrame> {
    if (this.ended) return Promise.reject(new Error(this.ended))
    // Checked against the protocol's table before it is sent: a breach is rnnbench's bug, said at once.
    const breach = protocolBreach(op, 'request', fields as Record<string, unknown>, arrays.map((a) => a.name))
    if (breach) return Promise.reject(new Error(`rnnbench broke its own PyTorch protocol: ${breach}`))
    const id = this.nextId++
    const frame = encodeFrame({ ...fields, id, op }, arrays)
    return new Promise<DecodedFrame>((resolve, reject) => {
      this.pending.push({ id, op, resolve, reject })
      this.busy()
      this.child.stdin.write(frame)
    })
  }

  /** A model now lives in this process (until `release`): it is kept running meanwhile. */
  retain(): void {
    this.models++
  }

  release(): void {
    this.models = Math.max(0, this.models - 1)
    if (this.pending.length === 0) this.idle()
  }

  /** Closes its stdin: the process ends once it has answered what it was sent, and takes no more. */
  close(): void {
    this.end(`the PyTorch process (pid ${this.child.pid}, ${this.command}) was closed`)
    this.child.stdin.end()
  }

  kill(): void {
    this.child.kill('SIGKILL')
  }

  private receive(chunk: Buffer): void {
    let frames: DecodedFrame[]
    try {
      frames = this.reader.push(chunk)
    } catch (err) {
      this.end(`the PyTorch process sent a damaged frame: ${(err as Error).message}`)
      this.kill()
      return
    }
    for (const frame of frames) {
      const waiting = this.pending.shift()
      if (!waiting || waiting.id !== frame.header.id) {
        this.end(`the PyTorch process answered request ${String(frame.header.id)} out of turn`)
        this.kill()
        return
      }
      const breach = frame.header.ok ? protocolBreach(waiting.op, 'reply', frame.header, [...frame.arrays.keys()]) : null
      if (breach) waiting.reject(new Error(`the PyTorch process broke the protocol: ${breach}`))
      else if (frame.header.ok) waiting.resolve(frame)
      else waiting.reject(new TorchRequestError(String(frame.header.error), String(frame.header.traceback ?? '')))
    }
    if (this.pending.length === 0) this.idle()
  }

  private end(reason: string, lastWords = ''): void {
    if (this.ended) return
    this.ended = reason + lastWords
    for (const p of this.pending.splice(0)) p.reject(new Error(`${reason} during ${p.op}${lastWords}`))
  }

  /** Why it never answered its first request, in the words of a probe: "exited with code 127; it last wrote: …". */
  notAnswering(): string | null {
    return this.exit ? `${this.command} ${this.exit.how} before it answered${this.exit.lastWords}` : this.ended
  }

  /** The last lines it wrote to stderr, on one line: a Python traceback's last line says most. */
  private lastWords(): string {
    const lines = this.stderrTail.split('\n').map((l) => l.trim()).filter(Boolean)
    if (!lines.length) return ''
    const said = lines.slice(-2).join(' | ')
    return `; it last wrote: ${said.length > 300 ? said.slice(0, 297) + '...' : said}`
  }

  // An idle process must not keep Node alive (a CLI command ends when its work does; the child
  // then sees its stdin close and exits); a busy one must. One that holds no model either (the
  // probe's, in a thread that never trains: the app's main process) ends after a while: an idle
  // torch holds a few hundred MiB.
  private idle(): void {
    this.child.unref()
    for (const s of [this.child.stdin, this.child.stdout, this.child.stderr]) (s as unknown as { unref?(): void }).unref?.()
    if (this.idleTimer) clearTimeout(this.idleTimer)
    this.idleTimer = this.models === 0 && !this.ended ? setTimeout(() => { if (this.models === 0 && this.pending.length === 0) this.close() }, IDLE_CLOSE_MS) : null
    this.idleTimer?.unref()
  }

  private busy(): void {
    if (this.idleTimer) { clearTimeout(this.idleTimer); this.idleTimer = null }
    if (this.pending.length !== 1) return
    this.child.ref()
    for (const s of [this.child.stdin, this.child.stdout, this.child.stderr]) (s as unknown as { ref?(): void }).ref?.()
  }
}

export interface FoundPython { command: string; info: TorchInfo; process: TorchProcess }
export type PythonSearch = { found: FoundPython; reasons: string[] } | { found: null; reasons: string[] }

/** How long a Python may take to import torch and say hello (a cold disk cache takes seconds). */
const HELLO_TIMEOUT_MS = 60_000

/** Starts one candidate and asks what it has. */
async function hello(command: string): Promise<{ info: TorchInfo; process: TorchProcess } | { reason: string }> {
  const proc = new TorchProcess(command)
  let timer: NodeJS.Timeout | undefined, late = false
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => { late = true; reject(new Error(`${command} did not answer within ${HELLO_TIMEOUT_MS / 1000} s`)) }, HELLO_TIMEOUT_MS)
  })
  try {
    const frame = await Promise.race([proc.request('hello', {}), timeout])
    return { info: frame.header as unknown as TorchInfo, process: proc }
  } catch (err) {
    proc.kill()
    await proc.exited
    return { reason: late ? (err as Error).message : proc.notAnswering() ?? (err as Error).message }
  } finally {
    clearTimeout(timer)
  }
}

function describe(command: string, info: TorchInfo): string {
  return `${command} (Python ${info.python} at ${info.executable})`
}

/** The first candidate whose torch loads, or every candidate's reason. */
export async function findPython(env: NodeJS.ProcessEnv = process.env): Promise<PythonSearch> {
  const reasons: string[] = []
  for (const { command, from } of pythonCandidates(env)) {
    const answer = await hello(command)
    if ('reason' in answer) {
      reasons.push(from === 'RNNBENCH_PYTHON' ? `RNNBENCH_PYTHON=${command}: ${answer.reason}` : answer.reason)
      continue
    }
    const { info, process: proc } = answer
    if (info.error) {
      proc.close()
      const missing = /No module named 'torch'/.test(info.error)
      reasons.push(`${describe(command, info)}: ${missing ? 'no module named torch: pip install torch, or apt-get install python3-torch' : info.error}`)
      continue
    }
    return { found: { command, info, process: proc }, reasons }
  }
  if (!env.RNNBENCH_PYTHON) reasons.push('or set RNNBENCH_PYTHON to a Python that has torch')
  return { found: null, reasons }
}

// ----- the process this thread shares ------------------------------------------------------------

let search: Promise<PythonSearch> | null = null
let shared: TorchProcess | null = null

/** The Python this thread uses, found once. */
export function torchPython(): Promise<PythonSearch> {
  search ??= findPython().then((s) => { if (s.found) shared = s.found.process; return s })
  return search
}

/** The running process to build a model in: the one the search started, or a fresh one if it died. */
export async function sharedProcess(): Promise<TorchProcess> {
  const s = await torchPython()
  if (!s.found) throw new Error(s.reasons.join('; '))
  if (!shared || shared.ended) shared = new TorchProcess(s.found.command)
  return shared
}
