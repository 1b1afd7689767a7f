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
