// Validates JSON bodies against the Engine API v1.47 swagger definitions (../shared/specs).
// Swagger 2 extensions are translated for ajv: `x-nullable: true` allows null.
import { existsSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { Ajv } from 'ajv'
import yaml from 'js-yaml'

// shared/ sits beside the checkout (in CI and on developers' machines).
const SPEC_PATH =
  [process.env.BERTH_SPECS, resolve(import.meta.dirname, '../../../shared/specs'), '/work/shared/specs']
    .filter((d): d is string => Boolean(d))
    .map((d) => resolve(d, 'docker-engine-api-v1.47.yaml'))
    .find((p) => existsSync(p)) ??
  resolve(import.meta.dirname, '../../../shared/specs/docker-engine-api-v1.47.yaml')

type Schema = Record<string, unknown>

function translate(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(translate)
  if (typeof node !== 'object' || node === null) return node
  const out: Schema = {}
  for (const [k, v] of Object.entries(node)) {
    if (k === 'example' || k === 'x-go-name' || k === 'x-omitempty' || k === 'x-nullable') continue
    out[k] =
      k === '$ref' && typeof v === 'string'
        ? v.replace('#/definitions/', 'engine#/definitions/')
        : translate(v)
  }
  if ((node as Schema)['x-nullable'] === true) {
    if (typeof out.type === 'string') out.type = [out.type, 'null']
    else if (out.$ref) return { anyOf: [{ $ref: out.$ref }, { type: 'null' }] }
  }
  return out
}

let cached: { ajv: Ajv; spec: Schema } | undefined

function load() {
  if (cached) return cached
  const spec = yaml.load(readFileSync(SPEC_PATH, 'utf8')) as Schema
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false })
  ajv.addSchema({ $id: 'engine', definitions: translate(spec.definitions) } as Schema)
  cached = { ajv, spec }
  return cached
}

/** Errors of `value` against definition `name` (empty when it conforms). */
export function schemaErrors(name: string, value: unknown): string[] {
  const { ajv } = load()
  const validate = ajv.getSchema(`engine#/definitions/${name}`)
  if (!validate) throw new Error(`no definition ${name}`)
  if (validate(value)) return []
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`)
}

/** Errors of `value` against the response schema of an operation (by operationId) for `status`. */
export function responseErrors(
  operationId: string,
  value: unknown,
  status: string | number = '200',
): string[] {
  const validate = responseValidator(operationId, String(status))
  if (validate(value)) return []
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`)
}

function responseValidator(operationId: string, status: string) {
  const { ajv, spec } = load()
  const id = `${operationId}-${status}`
  // ajv refuses a second schema with the same $id: compile each response schema once.
  const known = ajv.getSchema(id)
  if (known) return known
  for (const [path, ops] of Object.entries(spec.paths as Record<string, Record<string, Schema>>)) {
    for (const [method, op] of Object.entries(ops)) {
      if (op.operationId !== operationId) continue
      const schema = (op.responses as Record<string, Schema>)[status]?.schema
      if (!schema) throw new Error(`${operationId} (${method} ${path}) has no ${status} schema`)
      return ajv.compile({ ...(translate(schema) as Schema), $id: id } as Schema)
    }
  }
  throw new Error(`no operation ${operationId}`)
}
