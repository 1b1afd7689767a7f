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
