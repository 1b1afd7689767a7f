// Where every parameter lives in the one flat buffer. The recurrent part follows PyTorch's
// state_dict order exactly (layer, then direction, then weight_ih, weight_hh, bias_ih, bias_hh), so
// a state_dict flattened in order is a valid parameter buffer; the head follows.

import { gateCount, type ModelConfig, type NetworkConfig } from './types'

export interface ParamEntry {
  name: string
  shape: number[]
  offset: number
  size: number
}

export interface ParamLayout {
  entries: ParamEntry[]
  byName: Map<string, ParamEntry>
  total: number
}

export function directions(net: NetworkConfig): number {
  return net.bidirectional ? 2 : 1
}

/** Input width of layer k: the data for k = 0, else both directions of the layer below. */
export function layerInputSize(net: NetworkConfig, layer: number): number {
  return layer === 0 ? net.inputSize : directions(net) * net.hiddenSize
}

export function suffix(layer: number, direction: number): string {
  return `l${layer}${direction === 1 ? '_reverse' : ''}`
}

export function networkShapes(net: NetworkConfig): Array<[string, number[]]> {
  const G = gateCount(net.cell), H = net.hiddenSize
  const shapes: Array<[string, number[]]> = []
  for (let k = 0; k < net.numLayers; k++) {
    for (let d = 0; d < directions(net); d++) {
      const s = suffix(k, d)
      shapes.push([`weight_ih_${s}`, [G * H, layerInputSize(net, k)]])
      shapes.push([`weight_hh_${s}`, [G * H, H]])
      shapes.push([`bias_ih_${s}`, [G * H]])
      shapes.push([`bias_hh_${s}`, [G * H]])
    }
  }
  return shapes
}

export function headShapes(model: ModelConfig): Array<[string, number[]]> {
  if (!model.head) return []
  const features = directions(model.network) * model.network.hiddenSize
  return [['head.weight', [model.head.outputSize, features]], ['head.bias', [model.head.outputSize]]]
}

export function makeLayout(shapes: Array<[string, number[]]>): ParamLayout {
  const entries: ParamEntry[] = []
  let offset = 0
  for (const [name, shape] of shapes) {
    const size = shape.reduce((a, b) => a * b, 1)
    entries.push({ name, shape, offset, size })
    offset += size
  }
  return { entries, byName: new Map(entries.map((e) => [e.name, e])), total: offset }
}

export function networkLayout(net: NetworkConfig): ParamLayout {
  return makeLayout(networkShapes(net))
}

export function modelLayout(model: ModelConfig): ParamLayout {
  return makeLayout([...networkShapes(model.network), ...headShapes(model)])
}

export function parameterCount(model: ModelConfig): number {
  return modelLayout(model).total
}

/** The most memory one network may need before a command refuses it: beyond this, typed arrays fail to allocate. */
export const MAX_NETWORK_BYTES = 4 * 2 ** 30

/**
 * A rough upper bound of a training step's memory: parameters, gradients and two Adam moments,
 * and the gate activations BPTT keeps for T steps of B rows (G·H per step, row, layer and direction,
 * twice over for the cell kernels' scratch).
 */
export function networkBytesBound(net: NetworkConfig, B: number, T: number): number {
  const params = networkLayout(net).total
  const activations = 2 * gateCount(net.cell) * net.hiddenSize * B * T * net.numLayers * directions(net)
  return 4 * (4 * params + activations)
}

/** Null when a network of this size can be built here; else why not, in words. */
export function networkTooLarge(net: NetworkConfig, B: number, T: number): string | null {
  const bytes = networkBytesBound(net, B, T)
  if (bytes <= MAX_NETWORK_BYTES) return null
  return `a ${net.cell} of hidden size ${net.hiddenSize}, ${net.numLayers} layer${net.numLayers === 1 ? '' : 's'}, input ${net.inputSize}, batch ${B} and ${T} steps needs about ${(bytes / 2 ** 30).toFixed(1)} GiB; at most ${MAX_NETWORK_BYTES / 2 ** 30} GiB`
}
