// Injected at build time (electron.vite.config.ts) from package.json and git; 'dev' and null when
// the code runs from source (tests).
declare const __APP_VERSION__: string | undefined
declare const __GIT_COMMIT__: string | undefined

export const APP_VERSION: string = typeof __APP_VERSION__ === 'string' ? __APP_VERSION__ : 'dev'
export const GIT_COMMIT: string | null = typeof __GIT_COMMIT__ === 'string' && __GIT_COMMIT__ ? __GIT_COMMIT__ : null
