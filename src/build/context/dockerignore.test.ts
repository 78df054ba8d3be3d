import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, it } from 'node:test'
import { InvalidArgumentError } from '../../lib/errors.ts'
import {
  cleanPath,
  dockerignoreFor,
  IgnoreMatcher,
  keepBuildFiles,
  loadDockerignore,
  readDockerignore,
} from './dockerignore.ts'

describe('readDockerignore', () => {
  it('normalizes lines like ignorefile.ReadAll', () => {
    const text =
      '\uFEFF# comment\n\n  *.log  \n/abs/path\n!  keep.log\n dir/sub/ \nfoo/../bar\n # not a comment\n./x\r\n/\n'
    assert.deepEqual(readDockerignore(text), [
      '*.log',
      'abs/path',
      '!keep.log',
      'dir/sub',
      'bar',
      '# not a comment',
      'x',
      '/',
    ])
  })
})

describe('cleanPath', () => {
  const cases: Array<[string, string]> = [
    ['', '.'],
    ['a//b/./c/', 'a/b/c'],
    ['a/../../b', '../b'],
    ['/../a', '/a'],
    ['./', '.'],
  ]
  for (const [input, want] of cases) it(`${input} → ${want}`, () => assert.equal(cleanPath(input), want))
})

describe('IgnoreMatcher.ignores', () => {
  const cases: Array<[string[], string, boolean]> = [
    [['*'], 'file.go', true],
    [['*'], 'a/b/c', true],
    [['*.go'], 'a.go', true],
    [['*.go'], 'dir/a.go', false],
    [['**/*.go'], 'dir/sub/a.go', true],
    [['**/*.go'], 'a.go', true],
    [['**'], 'anything/at/all', true],
    [['docs/**/*.md'], 'docs/a.md', true],
    [['docs/**/*.md'], 'docs/x/y/a.md', true],
    [['docs/**/*.md'], 'other/a.md', false],
    [['dir/**'], 'dir/a', true],
    [['dir/**'], 'dirx/a', false],
    [['node_modules'], 'node_modules/pkg/index.js', true],
    [['node_modules'], 'src/node_modules/x', false],
    [['**/node_modules'], 'src/node_modules/x', true],
    [['/foo'], 'foo/bar', true],
    [['foo/'], 'foo', true],
    [['foo/'], 'foo/bar', true],
    [['a/../b'], 'b/c', true],
    [['file?.txt'], 'file1.txt', true],
    [['file?.txt'], 'file12.txt', false],
    [['file?.txt'], 'file/.txt', false],
    [['[a-c].txt'], 'b.txt', true],
    [['[a-c].txt'], 'd.txt', false],
    [['[^a].txt'], 'b.txt', true],
    [['\\*.txt'], '*.txt', true],
    [['\\*.txt'], 'a.txt', false],
    [['a.b'], 'axb', false],
    [['*.md', '!README.md'], 'README.md', false],
    [['*.md', '!README.md'], 'CHANGES.md', true],
    [['!README.md', '*.md'], 'README.md', true],
    [['dir', '!dir/keep'], 'dir/keep', false],
    [['dir', '!dir/keep'], 'dir/keep/inner', false],
    [['dir', '!dir/keep'], 'dir/other', true],
    [['dir', '!dir/keep', 'dir/keep/secret'], 'dir/keep/secret', true],
    [['**', '!**/*.ts'], 'src/a.ts', false],
    [['**', '!**/*.ts'], 'src/a.js', true],
    [['.git'], '.gitignore', false],
    [[], 'x', false],
  ]
  for (const [patterns, file, want] of cases) {
    it(`${JSON.stringify(patterns)} ${file} → ${want}`, () =>
      assert.equal(new IgnoreMatcher(patterns).ignores(file), want))
  }

  it('rejects a lone ! and bad classes', () => {
    assert.throws(
      () => new IgnoreMatcher(['!']),
      (err: unknown) =>
        err instanceof InvalidArgumentError && err.message === 'illegal exclusion pattern: "!"',
    )
    assert.throws(() => new IgnoreMatcher(['[abc']), InvalidArgumentError)
  })

  it('isDir does not change the result', () => {
    const m = new IgnoreMatcher(['build/'])
    assert.equal(m.ignores('build', true), true)
    assert.equal(m.ignores('build', false), true)
  })
})

describe('IgnoreMatcher.mayContainIncluded', () => {
  const cases: Array<[string[], string, boolean]> = [
    [['dir'], 'dir', false],
    [['dir', '!dir/keep'], 'dir', true],
    [['dir', '!dir/keep'], 'other', false],
    [['a', '!a/b/c'], 'a/b', true],
    [['a', '!a/b/c'], 'a/x', false],
    [['**', '!**/*.ts'], 'deep/dir', true],
    [['*', '!*/keep'], 'x', true],
    [['*', '!*/keep'], 'x/y', false],
    [['*', '!keep'], 'x', false],
    [['dir', '!dir'], 'dir', true],
  ]
  for (const [patterns, dir, want] of cases) {
    it(`${JSON.stringify(patterns)} ${dir} → ${want}`, () =>
      assert.equal(new IgnoreMatcher(patterns).mayContainIncluded(dir), want))
  }
})

describe('dockerignoreFor and loadDockerignore', () => {
  it('prefers <Dockerfile>.dockerignore', async () => {
    assert.deepEqual(dockerignoreFor('sub/Dockerfile.dev', '/ctx'), [
      '/ctx/sub/Dockerfile.dev.dockerignore',
      '/ctx/.dockerignore',
    ])
    assert.deepEqual(dockerignoreFor('/elsewhere/Dockerfile', '/ctx'), [
      '/elsewhere/Dockerfile.dockerignore',
      '/ctx/.dockerignore',
    ])
    const dir = await mkdtemp(path.join(tmpdir(), 'berth-dockerignore-'))
    try {
      assert.deepEqual(await loadDockerignore('Dockerfile', dir), [])
      await writeFile(path.join(dir, '.dockerignore'), 'generic\n')
      assert.deepEqual(await loadDockerignore('Dockerfile', dir), ['generic'])
      await writeFile(path.join(dir, 'Dockerfile.dockerignore'), 'specific\n')
      assert.deepEqual(await loadDockerignore('Dockerfile', dir), ['specific'])
      assert.deepEqual(await loadDockerignore('Other', dir), ['generic'])
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})

describe('keepBuildFiles', () => {
  it('re-includes the Dockerfile and .dockerignore when excluded', () => {
    assert.deepEqual(keepBuildFiles(['*'], 'Dockerfile'), ['*', '!.dockerignore', '!Dockerfile'])
    assert.deepEqual(keepBuildFiles(['*'], 'Dockerfile', true), ['*', '!.dockerignore'])
    assert.deepEqual(keepBuildFiles(['*.log'], 'Dockerfile'), ['*.log'])
    assert.equal(
      new IgnoreMatcher(keepBuildFiles(['docker'], 'docker/Dockerfile')).ignores('docker/Dockerfile'),
      false,
    )
  })
})
