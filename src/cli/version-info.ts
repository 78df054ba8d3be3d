// The CLI's own build facts (`berth version` Client section, `berth -v`). A bundler may replace
// these constants at build time; unbundled runs report the source defaults.
export const CLI_VERSION = '0.1.0'
export const GIT_COMMIT = 'unknown'
export const BUILD_TIME = ''
export const PROG = 'berth'
