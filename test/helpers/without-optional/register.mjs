// `node --import ./register.mjs …`: run rnnbench as if its optional dependencies were not installed.
import { register } from 'node:module'
register('./hooks.mjs', import.meta.url)
