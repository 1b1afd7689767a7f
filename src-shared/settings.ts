// The names of the settings a sweep may fix or vary, without their validators (spec.ts, zod), so
// that the UI and the report script can list them without bundling the validator.

export const SETTING_NAMES = [
  'task', 'seqLen', 'textFile', 'cell', 'backend', 'hiddenSize', 'numLayers', 'bidirectional', 'dropout',
  'batchSize', 'optimizer', 'lr', 'momentum', 'weightDecay', 'clipNorm', 'forgetBias1',
  // The user's data (series, classify) and how it is read.
  'dataFile', 'column', 'covariates', 'horizon', 'testFraction', 'seasonality', 'textColumn', 'labelColumn', 'tokens',
] as const

export type SettingName = (typeof SETTING_NAMES)[number]

/** Short labels of the settings that have one, as tables and progress lines write them: "H=64 T=100". */
export const SETTING_LABELS: Partial<Record<SettingName, string>> = { hiddenSize: 'H', numLayers: 'L', seqLen: 'T', batchSize: 'B', bidirectional: 'bidir' }

type WithSettings = { readonly [K in SettingName]?: unknown }

/** A setting's value as shown and compared: "lstm", "64", "true"; "default" where it was left out. */
export function settingText(config: WithSettings, k: SettingName): string {
  return String(config[k] ?? 'default')
}

/** Settings whose values differ between these configurations, in SETTING_NAMES order: the columns worth showing. */
export function varyingSettings(configs: WithSettings[]): SettingName[] {
  return SETTING_NAMES.filter((k) => new Set(configs.map((c) => settingText(c, k))).size > 1)
}
