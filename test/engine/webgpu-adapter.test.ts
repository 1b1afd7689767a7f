// The WebGPU adapter rnnbench finds: on these machines SwiftShader, found without any setting.
// Where none can be found the test is skipped with the reason, never silently passed.

import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { findAdapter, usableSystemDrivers, type AdapterFound } from '../../src-main/engine/webgpu/adapter'

describe.runIf(process.platform === 'linux')('the Vulkan drivers the system is asked for', () => {
  // A file system laid out as Debian's chromium with Mesa's drivers leaves it.
  const machine = (devices: string[]): string => {
    const root = mkdtempSync(join(tmpdir(), 'rnnbench-vk-'))
    const icd = join(root, 'usr/share/vulkan/icd.d')
    mkdirSync(icd, { recursive: true })
    for (const f of ['lvp_icd.x86_64.json', 'intel_icd.x86_64.json', 'radeon_icd.x86_64.json']) writeFileSync(join(icd, f), '{}')
    for (const d of devices) {
      mkdirSync(join(root, d, '..'), { recursive: true })
      writeFileSync(join(root, d), '')
    }
    return root
  }
  it('asks for none without a GPU device, so no driver warns about a GPU it cannot find', () => {
    expect(usableSystemDrivers(machine([]))).toEqual([])
    expect(usableSystemDrivers(machine(['dev/dri/card0']))).toEqual([])
  })
  it('asks for the hardware drivers, never lavapipe (Dawn rejects it), where the kernel exposes a GPU', () => {
    expect([...usableSystemDrivers(machine(['dev/dri/renderD128']))].sort()).toEqual(['/usr/share/vulkan/icd.d/intel_icd.x86_64.json', '/usr/share/vulkan/icd.d/radeon_icd.x86_64.json'])
    expect(usableSystemDrivers(machine(['dev/nvidia0']))).toHaveLength(2)
  })
})

const found = await findAdapter()

describe('WebGPU adapter', () => {
  if (!found.adapter) {
    console.warn(`[rnnbench tests] WebGPU adapter tests skipped: ${'reason' in found ? found.reason : ''}`)
    it(`no adapter here: ${'reason' in found ? found.reason : ''}`, (ctx) => ctx.skip())
    return
  }
  const a = found as AdapterFound

  it('describes itself and says whether it is software', () => {
    expect(a.description.length).toBeGreaterThan(3)
    expect(a.software).toBe(/swiftshader|llvmpipe|lavapipe/i.test(`${a.architecture} ${a.description}`))
    if (a.source !== 'system') expect(a.source.swiftshader).toMatch(/vk_swiftshader_icd\.json$/)
  })

  it('runs a WGSL compute kernel and reads the result back', async () => {
    const device = await a.adapter.requestDevice()
    const n = 1000
    const data = Float32Array.from({ length: n }, (_, i) => i - 500)
    const buf = device.createBuffer({ size: n * 4, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST })
    device.queue.writeBuffer(buf, 0, data)
    const module = device.createShaderModule({
      code: `@group(0) @binding(0) var<storage, read_write> v: array<f32>;
             @compute @workgroup_size(64) fn main(@builtin(global_invocation_id) g: vec3u) {
               if (g.x < arrayLength(&v)) { v[g.x] = tanh(0.01 * v[g.x]); }
             }`,
    })
    const pipeline = device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' } })
    const read = device.createBuffer({ size: n * 4, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST })
    const encoder = device.createCommandEncoder()
    const pass = encoder.beginComputePass()
    pass.setPipeline(pipeline)
    pass.setBindGroup(0, device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries: [{ binding: 0, resource: { buffer: buf } }] }))
    pass.dispatchWorkgroups(Math.ceil(n / 64))
    pass.end()
    encoder.copyBufferToBuffer(buf, 0, read, 0, n * 4)
    device.queue.submit([encoder.finish()])
    await read.mapAsync(GPUMapMode.READ)
    const out = new Float32Array(read.getMappedRange().slice(0))
    read.unmap()
    let worst = 0
    for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(out[i] - Math.tanh(0.01 * data[i])))
    expect(worst).toBeLessThan(1e-5)
    device.destroy()
  })
})
