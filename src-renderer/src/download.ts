// Saving a file from the page: a data URL or text through a temporary link. Works in the browser
// and in Electron (which asks where to save).

export function downloadDataUrl(filename: string, url: string): void {
  const a = document.createElement('a')
  a.href = url
  a.download = filename
  document.body.appendChild(a)
  a.click()
  a.remove()
}

export function downloadText(filename: string, mime: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: mime }))
  downloadDataUrl(filename, url)
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}

/** A file the main process exported: text, or binary sent as base64 (a PDF). */
export function downloadExported(file: { filename: string; mime: string; data: string; encoding: 'utf8' | 'base64' }): void {
  if (file.encoding === 'utf8') return downloadText(file.filename, file.mime, file.data)
  const bytes = Uint8Array.from(atob(file.data), (c) => c.charCodeAt(0))
  const url = URL.createObjectURL(new Blob([bytes], { type: file.mime }))
  downloadDataUrl(file.filename, url)
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}
