// Errors that are the user's to fix. Anything that reaches a user as "your input is wrong" is an
// InputError naming the field and what would be valid; the CLI prints its message on one line and
// exits 2. Every other error is a bug or an environment failure and exits 1.

export class InputError extends Error {
  override readonly name = 'InputError'
  constructor(readonly field: string, detail: string) {
    super(oneLine(field ? `${field}: ${detail}` : detail))
  }
}

/** The longest message an InputError carries: past this, an echo of the user's input is cut (a spec with 10,000 unknown keys is still one line). */
export const MAX_MESSAGE_CHARS = 600

/** A message on one line and of bounded length, whatever of the user's input it echoes. */
export function oneLine(message: string, max = MAX_MESSAGE_CHARS): string {
  const flat = message.replace(/[\r\n]+/g, ' ')
  if (flat.length <= max) return flat
  return `${flat.slice(0, max - 40)}… (${(flat.length - max + 40).toLocaleString('en-US')} more characters)`
}

/** The user's text quoted for a message, at most `max` characters of it. */
export function quoted(text: string, max = 60): string {
  const q = JSON.stringify(text)
  return q.length <= max ? q : `${JSON.stringify(text.slice(0, max - 10))}… (${text.length.toLocaleString('en-US')} characters)`
}

/** A list for a message: its first `max` items, then how many more. */
export function listed(items: readonly string[], max = 8): string {
  return items.length <= max ? items.join(', ') : `${items.slice(0, max).join(', ')} and ${(items.length - max).toLocaleString('en-US')} more`
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
