// Errors that are the user's to fix. Anything that reaches a user as "your input is wrong" is an
// InputError naming the field and what would be valid; the CLI prints its message on one line and
// exits 2. Every other error is a bug or an environment failure and exits 1.

export class InputError extends Error {
  override readonly name = 'InputError'
  constructor(readonly field: string, detail: string) {
    super(field ? `${field}: ${detail}` : detail)
  }
}

/** A value as a user would recognise it in an error message, kept short. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing'
  if (Array.isArray(value)) return `an array of length ${value.length}`
  if (value === null) return 'null'
  if (typeof value === 'object') return 'an object'
  const text = JSON.stringify(value)
  return text.length > 40 ? `${text.slice(0, 37)}...` : text
}
