// `node --import ./register.mjs out/main/index.js`: loads the built main bundle against the stand-in.
import { register } from 'node:module'
register('./hooks.mjs', import.meta.url)
