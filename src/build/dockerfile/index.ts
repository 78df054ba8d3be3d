// Public surface of the Dockerfile parser: the AST types, parseDockerfile, variable expansion,
// ARG scoping (args.ts) and the parse error. Other build modules import only this file.
export {
  BuildArgs,
  type BuildArgsInit,
  formatPlatform,
  linuxAmd64,
  type PlatformSpec,
  platformArgs,
  proxyArgNames,
  StageArgs,
  unusedArgsWarning,
} from './args.ts'
export { DockerfileParseError } from './errors.ts'
export { expand, expandHeredoc, expandWords } from './expand.ts'
export { expandInstruction } from './expand-instruction.ts'
export { chompHeredocContent, runHeredocPlan } from './heredoc.ts'
export { instructionNames, parseGoDuration } from './instructions.ts'
export { parseDockerfile } from './parser.ts'
export { parseRunMount } from './run-mount.ts'
export * from './types.ts'
