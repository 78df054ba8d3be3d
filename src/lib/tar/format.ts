// The tar header format (POSIX ustar + pax, GNU long names, base-256 numbers): decoding a
// 512-byte block and encoding one entry's header blocks. Binary-safe: pax values stay bytes,
// so xattrs such as security.capability survive (tar-stream decodes them as UTF-8).
import { InvalidArgumentError } from '../errors.ts'

export const BLOCK = 512

export type TarEntryType = 'file' | 'link' | 'symlink' | 'char' | 'block' | 'directory' | 'fifo'

/** One entry's header after pax and GNU long-name records are applied. */
export interface TarHeader {
  name: string
  type: TarEntryType
  mode: number
  uid: number
  gid: number
  size: number
  /** Seconds since the epoch (pax mtime may be fractional). */
  mtime: number
  linkname: string
  devmajor: number
  devminor: number
  uname?: string
  gname?: string
  /** From pax SCHILY.xattr.<name> records; raw bytes. */
  xattrs: Record<string, Buffer>
}

/** A raw header block, before pax/long-name records are applied. */
export interface RawHeader {
  name: string
  typeflag: string
  mode: number
  uid: number
  gid: number
  size: number
  mtime: number
  linkname: string
  devmajor: number
  devminor: number
  uname: string
  gname: string
}

const TYPES: Record<string, TarEntryType> = {
  '0': 'file',
  '\0': 'file',
  '7': 'file',
  '1': 'link',
  '2': 'symlink',
  '3': 'char',
  '4': 'block',
  '5': 'directory',
  '6': 'fifo',
}

export function entryTypeOf(typeflag: string): TarEntryType | undefined {
  return TYPES[typeflag]
}

function str(buf: Buffer, off: number, len: number): string {
  const end = buf.indexOf(0, off)
  return buf.toString('utf8', off, end === -1 || end > off + len ? off + len : end)
}

function num(buf: Buffer, off: number, len: number): number {
  const first = buf[off]!
  if (first & 0x80) {
    // base-256 (GNU/star): big-endian two's complement after the marker bit.
    let v = BigInt(first & 0x7f)
    for (let i = 1; i < len; i++) v = (v << 8n) | BigInt(buf[off + i]!)
    if (first & 0x40) v -= 1n << BigInt(len * 8 - 1)
    return Number(v)
  }
  const s = buf
    .toString('latin1', off, off + len)
    .replace(/[\0 ].*$/s, '')
    .trim()
  if (s === '') return 0
  if (!/^[0-7]+$/.test(s))
    throw new InvalidArgumentError(`archive/tar: invalid header field ${JSON.stringify(s)}`)
  return Number.parseInt(s, 8)
}

/** Decodes a header block; undefined for an all-zero (end-of-archive) block.
 *  @throws InvalidArgumentError on a bad checksum. */
export function decodeHeader(buf: Buffer): RawHeader | undefined {
  let sum = 0
  let zero = true
  for (let i = 0; i < BLOCK; i++) {
    const b = i >= 148 && i < 156 ? 32 : buf[i]!
    sum += b
    if (buf[i] !== 0) zero = false
  }
  if (zero) return undefined
  if (num(buf, 148, 8) !== sum)
    throw new InvalidArgumentError('archive/tar: invalid tar header (checksum mismatch)')
  let name = str(buf, 0, 100)
  const magic = buf.toString('latin1', 257, 263)
  // ustar prefix; GNU ("ustar  ") uses those bytes for atime/ctime instead.
  if (magic === 'ustar\0') {
    const prefix = str(buf, 345, 155)
    if (prefix) name = `${prefix}/${name}`
  }
  return {
    name,
    typeflag: String.fromCharCode(buf[156]!),
    mode: num(buf, 100, 8),
    uid: num(buf, 108, 8),
    gid: num(buf, 116, 8),
    size: num(buf, 124, 12),
    mtime: num(buf, 136, 12),
    linkname: str(buf, 157, 100),
    uname: str(buf, 265, 32),
    gname: str(buf, 297, 32),
    devmajor: num(buf, 329, 8),
    devminor: num(buf, 337, 8),
  }
}

/** Parses pax records ("<len> <key>=<value>\n"); values stay raw bytes. */
export function decodePax(buf: Buffer): Map<string, Buffer> {
  const out = new Map<string, Buffer>()
  let off = 0
  while (off < buf.length) {
    const sp = buf.indexOf(0x20, off)
    if (sp === -1) break
    const len = Number.parseInt(buf.toString('latin1', off, sp), 10)
    if (!Number.isInteger(len) || len <= 0 || off + len > buf.length) {
      throw new InvalidArgumentError('archive/tar: invalid pax header')
    }
    const rec = buf.subarray(sp + 1, off + len - 1)
    const eq = rec.indexOf(0x3d)
    if (eq === -1) throw new InvalidArgumentError('archive/tar: invalid pax header')
    out.set(rec.toString('utf8', 0, eq), rec.subarray(eq + 1))
    off += len
  }
  return out
}

function paxRecord(key: string, value: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(` ${key}=`), value, Buffer.from('\n')])
  let len = body.length + 1
  while (String(len).length + body.length !== len) len = String(len).length + body.length
  return Buffer.concat([Buffer.from(String(len)), body])
}

const TYPEFLAG: Record<TarEntryType, string> = {
  file: '0',
  link: '1',
  symlink: '2',
  char: '3',
  block: '4',
  directory: '5',
  fifo: '6',
}

const OCTAL_MAX_8 = 0o7777777
const OCTAL_MAX_12 = 0o77777777777

function writeStr(buf: Buffer, s: string, off: number, len: number): void {
  buf.write(s, off, len, 'utf8')
}

function writeOctal(buf: Buffer, n: number, off: number, len: number): void {
  buf.write(
    `${Math.max(0, Math.floor(n))
      .toString(8)
      .padStart(len - 1, '0')}\0`,
    off,
    len,
    'latin1',
  )
}

function rawBlock(
  h: Omit<TarHeader, 'xattrs'> & { typeflag: string },
  name: string,
  prefix: string,
  linkname: string,
): Buffer {
  const buf = Buffer.alloc(BLOCK)
  writeStr(buf, name, 0, 100)
  writeOctal(buf, h.mode & 0o7777, 100, 8)
  writeOctal(buf, Math.min(h.uid, OCTAL_MAX_8), 108, 8)
  writeOctal(buf, Math.min(h.gid, OCTAL_MAX_8), 116, 8)
  writeOctal(buf, Math.min(h.size, OCTAL_MAX_12), 124, 12)
  writeOctal(buf, Math.min(h.mtime, OCTAL_MAX_12), 136, 12)
  buf.write(h.typeflag, 156, 1, 'latin1')
  writeStr(buf, linkname, 157, 100)
  buf.write('ustar\x0000', 257, 8, 'latin1')
  writeStr(buf, h.uname ?? '', 265, 32)
  writeStr(buf, h.gname ?? '', 297, 32)
  writeOctal(buf, h.devmajor, 329, 8)
  writeOctal(buf, h.devminor, 337, 8)
  writeStr(buf, prefix, 345, 155)
  buf.fill(0x20, 148, 156)
  let sum = 0
  for (let i = 0; i < BLOCK; i++) sum += buf[i]!
  buf.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'latin1')
  return buf
}

function splitUstarName(name: string): { name: string; prefix: string } | undefined {
  if (Buffer.byteLength(name) <= 100) return { name, prefix: '' }
  for (let i = name.indexOf('/'); i !== -1; i = name.indexOf('/', i + 1)) {
    const prefix = name.slice(0, i)
    const rest = name.slice(i + 1)
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(rest) <= 100 && rest !== '')
      return { name: rest, prefix }
  }
  return undefined
}

export function padding(size: number): number {
  return (BLOCK - (size % BLOCK)) % BLOCK
}

/** Encodes the header block(s) of one entry: a pax header first when a field does not fit
 *  ustar (long names, big numbers, xattrs). */
export function encodeHeader(h: TarHeader): Buffer {
  const pax: Buffer[] = []
  const split = splitUstarName(h.name)
  if (!split) pax.push(paxRecord('path', Buffer.from(h.name)))
  if (Buffer.byteLength(h.linkname) > 100) pax.push(paxRecord('linkpath', Buffer.from(h.linkname)))
  if (h.size > OCTAL_MAX_12) pax.push(paxRecord('size', Buffer.from(String(h.size))))
  if (h.uid > OCTAL_MAX_8) pax.push(paxRecord('uid', Buffer.from(String(h.uid))))
  if (h.gid > OCTAL_MAX_8) pax.push(paxRecord('gid', Buffer.from(String(h.gid))))
  for (const [k, v] of Object.entries(h.xattrs)) pax.push(paxRecord(`SCHILY.xattr.${k}`, v))
  const main = rawBlock(
    { ...h, typeflag: TYPEFLAG[h.type] },
    split ? split.name : h.name.slice(0, 100),
    split ? split.prefix : '',
    h.linkname.slice(0, 100),
  )
  if (pax.length === 0) return main
  const body = Buffer.concat(pax)
  const paxName = `PaxHeaders/${h.name.replace(/\/$/, '').split('/').pop() ?? ''}`.slice(0, 100)
  const paxHead = rawBlock(
    { ...h, typeflag: 'x', size: body.length, linkname: '', devmajor: 0, devminor: 0 },
    paxName,
    '',
    '',
  )
  return Buffer.concat([paxHead, body, Buffer.alloc(padding(body.length)), main])
}

/** A tar header for a host file as lstat/stat describes it (data size only for regular files). */
export function headerFromStats(
  st: { mode: number; uid: number; gid: number; size: number; mtimeMs: number },
  name: string,
  type: TarEntryType,
  linkname = '',
): TarHeader {
  return {
    name,
    type,
    mode: st.mode & 0o7777,
    uid: st.uid,
    gid: st.gid,
    size: type === 'file' ? st.size : 0,
    mtime: Math.floor(st.mtimeMs / 1000),
    linkname,
    devmajor: 0,
    devminor: 0,
    xattrs: {},
  }
}

/** The bytes of one entry as a tar stream carries it: header, data, padding to a block. */
export async function* entryBytes(
  header: TarHeader,
  body: AsyncIterable<Uint8Array>,
): AsyncGenerator<Uint8Array> {
  yield encodeHeader(header)
  let size = 0
  for await (const chunk of body) {
    size += chunk.length
    yield chunk
  }
  if (padding(size) > 0) yield Buffer.alloc(padding(size))
}

/** The two zero blocks that end an archive. */
export function endOfArchive(): Buffer {
  return Buffer.alloc(BLOCK * 2)
}
