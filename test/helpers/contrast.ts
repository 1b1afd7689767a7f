// WCAG 2.x contrast between two colours (#rgb, #rrggbb or rgb(r, g, b)): what the contrast tests assert on.

/** Relative luminance of #rrggbb or rgb(r, g, b). */
function luminance(colour: string): number {
  if (/^#[0-9a-fA-F]{3}$/.test(colour)) colour = `#${[...colour.slice(1)].map((c) => c + c).join('')}`
  const rgb = colour.startsWith('#') ? [1, 3, 5].map((i) => parseInt(colour.slice(i, i + 2), 16)) : colour.match(/\d+/g)!.slice(0, 3).map(Number)
  const [r, g, b] = rgb.map((v) => { const c = v / 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4 })
  return 0.2126 * r + 0.7152 * g + 0.0722 * b
}
export const contrast = (a: string, b: string): number => { const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05) }

