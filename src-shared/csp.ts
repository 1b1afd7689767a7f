// The renderer page's Content-Security-Policy, the same wherever the page is served: by Electron
// (security.ts), by \`rnnbench serve\` (its header), and in index.html's meta tag.

/** Its own scripts only, no inline script, no remote anything. */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
