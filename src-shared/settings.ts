// The names of the settings a sweep may fix or vary, without their validators (spec.ts, zod), so
// that the UI and the report script can list them without bundling the validator.

export const SETTING_NAMES = [
  'task', 'seqLen', 'textFile', 'cell', 'backend', 'hiddenSize', 'numLayers', 'bidirectional', 'dropout',
  'batchSize', 'optimizer', 'lr', 'momentum', 'weightDecay', 'clipNorm', 'forgetBias1',
] as const

export type SettingName = (typeof SETTING_NAMES)[number]
