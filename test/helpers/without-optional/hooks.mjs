// Node's module hooks: the optional dependencies (webgpu, playwright-core) resolve as if they were
// not installed, as after `npm install --omit=optional`.
const HIDDEN = new Set(['webgpu', 'playwright-core'])
export async function resolve(specifier, context, next) {
  if (HIDDEN.has(specifier)) {
    const err = new Error(`Cannot find package '${specifier}' imported from ${context.parentURL}`)
    err.code = 'ERR_MODULE_NOT_FOUND'
    throw err
  }
  return next(specifier, context)
}
