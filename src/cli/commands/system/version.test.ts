import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseTemplate } from '../../output/template.ts'
import { defaultVersionText, VERSION_TEMPLATE } from './version.ts'

const client = {
  Platform: { Name: '' },
  Version: '0.1.0',
  ApiVersion: '1.47',
  DefaultAPIVersion: '1.47',
  GitCommit: 'abc',
  GoVersion: 'v24.0.0',
  Os: 'linux',
  Arch: 'amd64',
  BuildTime: 'Fri May 30 12:07:27 2025',
  Context: 'default',
}
const engine = {
  Name: 'Engine',
  Version: '0.1.0',
  Details: {
    ApiVersion: '1.47',
    MinAPIVersion: '1.24',
    GoVersion: 'v24',
    GitCommit: 'def',
    BuildTime: 'Fri May 30 12:07:27 2025',
    Os: 'linux',
    Arch: 'amd64',
    Experimental: 'false',
    KernelVersion: '6.1',
  },
}

describe('defaultVersionText', () => {
  const cases: [string, typeof client, unknown][] = [
    ['client only', client, null],
    [
      'downgraded client with a platform name',
      { ...client, ApiVersion: '1.41', Platform: { Name: 'berth' } },
      null,
    ],
    ['engine', client, { Platform: { Name: '' }, Components: [engine] }],
    [
      'engine and other components, named platform',
      client,
      {
        Platform: { Name: 'berth Engine' },
        Components: [engine, { Name: 'runc', Version: '1.1.5', Details: { GitCommit: 'x', Arch: 'amd64' } }],
      },
    ],
  ]
  for (const [name, c, server] of cases)
    it(`renders what VERSION_TEMPLATE renders: ${name}`, () => {
      const viaTemplate = parseTemplate(VERSION_TEMPLATE).execute({ Client: c, Server: server })
      assert.equal(defaultVersionText(c, server as Parameters<typeof defaultVersionText>[1]), viaTemplate)
    })
})
