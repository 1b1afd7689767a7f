// What a sweep exports to, defined once. The CLI offers every report and data format; the app
// offers those it can hand over as one file (Markdown comes with its chart images beside it), and
// the spec, which the CLI writes with a plain copy of the spec file.

export const EXPORT_FORMATS = ['html', 'md', 'pdf', 'csv', 'json', 'spec'] as const
export type ExportFormatName = (typeof EXPORT_FORMATS)[number]

/** `rnnbench export --format`. */
export const CLI_EXPORT_FORMATS = ['html', 'md', 'csv', 'json', 'pdf'] as const satisfies readonly ExportFormatName[]
/** The app's export buttons (one file each). */
export const APP_EXPORT_FORMATS = ['html', 'pdf', 'csv', 'json', 'spec'] as const satisfies readonly ExportFormatName[]
