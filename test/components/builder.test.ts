// The sweep builder as a component: what it sends to planSweep, the plan it shows, inline errors
// next to the field they name, and starting a sweep.

import { flushSync, mount, unmount } from 'svelte'
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { presetSpec } from '../../src-main/engine/sweep/presets'
import type { SweepPlanView } from '../../src-main/ipc/contract'
import { installFakeApi, settle } from './fake-api'

vi.useFakeTimers() // settle() advances this clock: no test here waits on the wall clock

const planned: unknown[] = []
const fake = installFakeApi({
  planSweep: (spec) => {
    planned.push(spec)
    const s = spec as { axes: { hiddenSize?: number[] } }
    if (s.axes.hiddenSize?.includes(777)) throw Object.assign(new Error('axes.hiddenSize[1]: 777 is too large for this machine'), { field: 'axes.hiddenSize[1]' })
    return { runs: 12, workers: 2, spec: spec as SweepPlanView['spec'], estimate: { runs: 12, seconds: 95, peakBytes: 3 * 2 ** 20, measuredRuns: 12 }, warnings: [] }
  },
  startSweep: () => ({ sweepId: 7 }),
  listSweeps: () => [],
})

let BuilderView: typeof import('../../src-renderer/src/views/BuilderView.svelte').default
let app: typeof import('../../src-renderer/src/state/app.svelte').app
let component: ReturnType<typeof mount> | null = null

beforeAll(async () => {
  // The api module reads window.rnnbench when first imported: after the fake is installed.
  ;({ app } = await import('../../src-renderer/src/state/app.svelte'))
  BuilderView = (await import('../../src-renderer/src/views/BuilderView.svelte')).default
  app.presets = [{ name: 'quick', description: 'two sizes', spec: presetSpec('quick', ['cpu-js']) }]
  app.doctor = { environment: {} as never, workers: 2, database: ':memory:', backends: [
    { backend: 'cpu-js', available: true, device: 'CPU' }, { backend: 'cpu-native', available: false, reason: 'the addon is not built' }, { backend: 'webgpu', available: true, device: 'SwiftShader', details: { software: true } },
  ] as never }
})
afterEach(async () => {
  if (component) unmount(component)
  component = null
  document.body.innerHTML = ''
  ;(await import('../../src-renderer/src/state/builder.svelte')).builder.loaded = false // each test starts from the quick preset
})

const byTestId = (id: string) => document.querySelector(`[data-testid="${id}"]`) as HTMLInputElement | null
async function type(id: string, value: string) {
  const input = byTestId(id)!
  input.value = value
  input.dispatchEvent(new Event('input', { bubbles: true }))
  flushSync()
  await settle(300) // the builder re-checks 250 ms after the last change
  flushSync()
}

describe('BuilderView', () => {
  it('starts from the quick preset and shows the plan: runs, time and memory', async () => {
    component = mount(BuilderView, { target: document.body })
    await settle(300)
    flushSync()
    const spec = planned.at(-1) as { axes: Record<string, unknown[]>; budget: object }
    expect(spec.axes.task).toEqual(['adding', 'airline'])
    expect(spec.axes.cell).toEqual(['lstm', 'gru', 'rnn_tanh'])
    expect(spec.axes.hiddenSize).toEqual([16, 64])
    expect(spec.budget).toEqual({ steps: 400, seconds: 15 })
    expect(byTestId('plan-runs')!.textContent).toBe('12 runs')
    expect(byTestId('plan-time')!.textContent).toBe('1m35s')
    expect(byTestId('plan-memory')!.textContent).toBe('3.0 MiB')
    // backends: the unavailable one is disabled with its reason; a software adapter says so
    expect(byTestId('backend-cpu-native')!.disabled).toBe(true)
    expect(document.body.textContent).toContain('unavailable: the addon is not built')
    expect(document.body.textContent).toContain('software adapter: slow')
  })

  it('shows an unreadable value next to its field, in the form\'s words, without asking the main process, and blocks start', async () => {
    component = mount(BuilderView, { target: document.body })
    await settle(300)
    const asked = planned.length
    await type('field-numLayers', '1, two')
    expect(planned.length).toBe(asked)
    expect(byTestId('field-numLayers')!.getAttribute('aria-invalid')).toBe('true')
    expect(byTestId('error-numLayers')!.textContent).toBe('Layers: "two" is not a whole number; give values separated by commas')
    expect((byTestId('start') as unknown as HTMLButtonElement).disabled).toBe(true)
    await type('field-numLayers', '17')
    expect(byTestId('error-numLayers')!.textContent).toBe('Layers: 17 is out of range; give a whole number from 1 to 16')
    await type('field-lr', '0')
    expect(byTestId('error-lr')!.textContent).toBe('Learning rate: 0 is out of range; give above 0, at most 10')
  })

  it('tunes each cell: trials and final seeds in the spec, a range typed in a list, repeats gone, a warning below 6 seeds', async () => {
    component = mount(BuilderView, { target: document.body })
    await settle(300)
    const { builder } = await import('../../src-renderer/src/state/builder.svelte')
    builder.strategy = 'tune'
    flushSync()
    expect((byTestId('field-strategy') as unknown as HTMLSelectElement).value).toBe('tune')
    expect(byTestId('field-repeats')).toBeNull()
    await type('field-lr', '0.001..0.1 log')
    await type('field-trials', '12')
    let spec = planned.at(-1) as { tune: unknown; axes: Record<string, unknown>; settings: Record<string, unknown>; repeats: number; samples?: number }
    expect(spec.tune).toEqual({ trials: 12, finalSeeds: 8 })
    expect(spec.axes.lr).toEqual({ min: 0.001, max: 0.1, log: true })
    expect([spec.settings.lr, spec.repeats, spec.samples]).toEqual([undefined, 1, undefined])
    expect(byTestId('tune-warning')).toBeNull()
    await type('field-finalSeeds', '4')
    spec = planned.at(-1) as typeof spec
    expect(spec.tune).toEqual({ trials: 12, finalSeeds: 4 })
    expect(byTestId('tune-warning')!.textContent).toMatch(/^With 4 final seeds the tuned verdicts can never reach p < 0\.05/)
    await type('field-lr', '0.001..x')
    expect(byTestId('error-lr')!.textContent).toMatch(/^Learning rate: a range is MIN\.\.MAX/)
  })

  it('marks every invalid field at once, repeats and the budget included', async () => {
    component = mount(BuilderView, { target: document.body })
    await settle(300)
    await type('field-repeats', '0')
    await type('field-steps', '0')
    await type('field-seconds', '0')
    await type('field-dropout', '1')
    for (const id of ['field-repeats', 'field-steps', 'field-seconds', 'field-dropout']) expect(byTestId(id)!.getAttribute('aria-invalid'), id).toBe('true')
    expect(byTestId('error-repeats')!.textContent).toBe('Repeats: a whole number from 1 to 1,000')
    expect(byTestId('error-budget')!.textContent).toBe('Budget: set the steps or the seconds per run (or both) above 0')
    expect(byTestId('error-dropout')!.textContent).toContain('Dropout: 1 is out of range; give from 0 up to but not including 1')
    expect(byTestId('plan-error')!.textContent).toMatch(/\(and 2 more, marked in the form\)$/)
    expect(byTestId('field-batchSize')!.getAttribute('aria-invalid')).toBe('false')
  })

  it("shows the main process's objection on the field it names, without the spec path", async () => {
    component = mount(BuilderView, { target: document.body })
    await settle(300)
    await type('field-hiddenSize', '16, 777')
    expect(byTestId('error-hiddenSize')!.textContent).toBe('Hidden size: 777 is too large for this machine')
    expect(byTestId('plan-error')!.textContent).not.toContain('axes.')
    await type('field-hiddenSize', '16')
    expect(byTestId('plan-runs')!.textContent).toBe('12 runs')
    expect((planned.at(-1) as { settings: Record<string, unknown> }).settings.hiddenSize).toBe(16)
  })

  it('marks the estimate as updating until the new one arrives, and keeps edits when the view is left', async () => {
    component = mount(BuilderView, { target: document.body })
    await settle(300)
    flushSync()
    expect(byTestId('plan-updating')).toBeNull()
    const input = byTestId('field-hiddenSize')!
    input.value = '8, 16, 32'
    input.dispatchEvent(new Event('input', { bubbles: true }))
    flushSync()
    expect(byTestId('plan-updating')!.textContent).toBe('updating…')
    expect((byTestId('start') as unknown as HTMLButtonElement).disabled).toBe(true)
    await settle(300)
    flushSync()
    expect(byTestId('plan-updating')).toBeNull()
    unmount(component)
    component = mount(BuilderView, { target: document.body })
    flushSync()
    expect(byTestId('field-hiddenSize')!.value).toBe('8, 16, 32')
  })

  it('starts the sweep with its name and opens the live view on it', async () => {
    component = mount(BuilderView, { target: document.body })
    await settle(300)
    await type('field-name', 'my comparison')
    ;(byTestId('start') as unknown as HTMLButtonElement).click()
    await settle(10)
    flushSync()
    const start = fake.calls.filter(([c]) => c === 'startSweep').at(-1)!
    expect(start[1][1]).toBe('my comparison')
    expect(app.view).toBe('live')
    expect(app.sweepId).toBe(7)
  })
})
