// Node's module hooks: the optional dependencies resolve as if they were not installed, as after
// `npm install --omit=optional`; $RNNBENCH_HIDE (comma-separated) hides only some of them.
const HIDDEN = new Set((process.env.RNNBENCH_HIDE ?? 'webgpu,playwright-core,@napi-rs/canvas').split(','))
export async function resolve(specifier, context, next) {
  if (HIDDEN.has(specifier)) {
    const err = new Error(`Cannot find package '${specifier}' imported from ${context.parentURL}`)
    err.code = 'ERR_MODULE_NOT_FOUND'
    throw err
  }
  return next(specifier, context)
}
