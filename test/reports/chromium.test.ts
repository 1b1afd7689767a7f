// Finding a browser to print with: $RNNBENCH_CHROMIUM first, then Chrome, Chromium or Edge where
// each platform keeps them (Windows' Program Files and user folder, macOS' Applications, Linux's
// package and snap paths).

import { describe, expect, it } from 'vitest'
import { chromiumCandidates, findChromium } from '../../src-main/reports/chromium'

describe('finding Chrome, Chromium or Edge', () => {
  it('takes RNNBENCH_CHROMIUM when it is there, and nothing else when it is not', () => {
    expect(findChromium({ RNNBENCH_CHROMIUM: '/x/chrome' }, 'linux', (p) => p === '/x/chrome')).toBe('/x/chrome')
    expect(findChromium({ RNNBENCH_CHROMIUM: '/x/chrome' }, 'linux', (p) => p === '/usr/bin/chromium')).toBeNull()
  })

  it('finds Edge on Windows when Chrome is absent', () => {
    const env = { PROGRAMFILES: 'C:\\Program Files', 'PROGRAMFILES(X86)': 'C:\\Program Files (x86)', LOCALAPPDATA: 'C:\\Users\\u\\AppData\\Local' }
    const edge = 'C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe'
    expect(chromiumCandidates('win32', env)).toContain(edge)
    expect(findChromium(env, 'win32', (p) => p === edge)).toBe(edge)
    expect(findChromium(env, 'win32', (p) => p === 'C:\\Users\\u\\AppData\\Local\\Google\\Chrome\\Application\\chrome.exe')).toBe('C:\\Users\\u\\AppData\\Local\\Google\\Chrome\\Application\\chrome.exe')
  })

  it('finds Chromium on macOS and a snap on Linux, Chrome first where both are', () => {
    expect(findChromium({ HOME: '/Users/u' }, 'darwin', (p) => p === '/Users/u/Applications/Chromium.app/Contents/MacOS/Chromium')).toBe('/Users/u/Applications/Chromium.app/Contents/MacOS/Chromium')
    expect(findChromium({}, 'linux', (p) => p === '/snap/bin/chromium')).toBe('/snap/bin/chromium')
    expect(findChromium({}, 'linux', (p) => p === '/usr/bin/microsoft-edge' || p === '/usr/bin/google-chrome')).toBe('/usr/bin/google-chrome')
    expect(findChromium({}, 'linux', () => false)).toBeNull()
  })
})
