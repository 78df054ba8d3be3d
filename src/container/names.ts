// Container names: Docker's validation rule and a generator of "adjective_surname" names
// (berth's own word lists) for containers created without one.
import { randomInt } from 'node:crypto'
import { InvalidArgumentError } from '../lib/errors.ts'

const VALID = /^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$/

/** Returns the name with its leading "/". @throws InvalidArgumentError for an invalid name. */
export function normaliseName(name: string): string {
  if (!VALID.test(name)) {
    throw new InvalidArgumentError(`Invalid container name (${name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`)
  }
  return name.startsWith('/') ? name : `/${name}`
}

const ADJECTIVES = [
  'agile', 'amber', 'ardent', 'azure', 'bold', 'brave', 'bright', 'brisk', 'calm', 'candid', 'clever', 'cosmic',
  'crisp', 'daring', 'deft', 'eager', 'earnest', 'elated', 'epic', 'fervent', 'fierce', 'gentle', 'glad', 'golden',
  'graceful', 'hardy', 'hearty', 'humble', 'jolly', 'keen', 'kind', 'lively', 'lucid', 'lucky', 'merry', 'mellow',
  'modest', 'nimble', 'noble', 'patient', 'placid', 'plucky', 'polite', 'proud', 'quiet', 'quirky', 'rapid', 'serene',
  'sharp', 'shiny', 'silent', 'sleek', 'snappy', 'sober', 'solid', 'spry', 'steady', 'stoic', 'sunny', 'swift',
  'tender', 'tidy', 'upbeat', 'vivid', 'wise', 'witty', 'zealous', 'zen',
]

const SURNAMES = [
  'agnesi', 'archimedes', 'babbage', 'bardeen', 'bohr', 'boole', 'brahe', 'cannon', 'carson', 'cauchy', 'curie',
  'darwin', 'dijkstra', 'einstein', 'euclid', 'euler', 'faraday', 'fermat', 'fermi', 'feynman', 'franklin', 'galois',
  'gauss', 'germain', 'goodall', 'hamilton', 'hawking', 'hertz', 'hopper', 'hubble', 'hypatia', 'johnson', 'joule',
  'kepler', 'knuth', 'lamarr', 'laplace', 'leibniz', 'lovelace', 'maxwell', 'meitner', 'mendel', 'newton', 'noether',
  'pascal', 'pasteur', 'planck', 'poincare', 'ramanujan', 'riemann', 'ritchie', 'sagan', 'shannon', 'somerville',
  'tesla', 'thompson', 'torvalds', 'turing', 'volta', 'wiles', 'wozniak', 'wright', 'yalow', 'zuse',
]

/** A random "adjective_surname"; `exists` rejects taken names (a digit is appended after a few tries). */
export function generateName(exists: (name: string) => boolean): string {
  for (let attempt = 0; ; attempt++) {
    let name = `${ADJECTIVES[randomInt(ADJECTIVES.length)]}_${SURNAMES[randomInt(SURNAMES.length)]}`
    if (attempt > 10) name += String(randomInt(10))
    if (!exists(`/${name}`)) return name
  }
}
