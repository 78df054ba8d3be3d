import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { fromHumanSize, logDetails, logSizeLimit, validateLogOptions } from './log-options.ts'

describe('log options', () => {
  it('parses sizes as go-units FromHumanSize (decimal)', () => {
    assert.equal(fromHumanSize('10m'), 10_000_000)
    assert.equal(fromHumanSize('1k'), 1000)
    assert.equal(fromHumanSize('1.5MB'), 1_500_000)
    assert.equal(fromHumanSize('512'), 512)
    assert.throws(() => fromHumanSize('abc'), /invalid size: 'abc'/)
  })

  it('bounds the log at max-size × max-file, unbounded without max-size', () => {
    assert.equal(logSizeLimit('json-file', { 'max-size': '1m', 'max-file': '3' }), 3_000_000)
    assert.equal(logSizeLimit('json-file', { 'max-size': '10k' }), 10_000)
    assert.equal(logSizeLimit('json-file', {}), undefined)
    assert.equal(logSizeLimit('none', { 'max-size': '1m' }), undefined)
  })

  it("refuses what dockerd refuses, with dockerd's words", () => {
    assert.throws(
      () => validateLogOptions('json-file', { 'max-sise': '1m' }),
      /unknown log opt 'max-sise' for json-file log driver/,
    )
    assert.throws(
      () => validateLogOptions('json-file', { 'max-file': '0' }),
      /max-file cannot be less than 1/,
    )
    assert.throws(
      () => validateLogOptions('json-file', { 'max-size': '0' }),
      /max-size must be a positive number/,
    )
    assert.doesNotThrow(() =>
      validateLogOptions('json-file', { 'max-size': '10m', 'max-file': '3', tag: 'x' }),
    )
    assert.doesNotThrow(() => validateLogOptions('syslog', { 'syslog-address': 'udp://127.0.0.1:514' }))
  })

  it('gives logs --details the labels and variables the options name, sorted and escaped', () => {
    const labels = { team: 'a b', 'com.x': '1', other: 'no' }
    const env = ['PATH=/bin', 'STAGE=prod&test', 'EMPTY=']
    assert.equal(logDetails({}, labels, env), '')
    assert.equal(
      logDetails({ labels: 'team,missing', env: 'STAGE' }, labels, env),
      'STAGE=prod%26test,team=a+b',
    )
    assert.equal(
      logDetails({ 'labels-regex': '^com\\.', 'env-regex': '^EMP' }, labels, env),
      'EMPTY=,com.x=1',
    )
  })
})
