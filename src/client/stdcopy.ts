// Docker's multiplexed stream framing (attach/logs without a TTY): each frame is an 8-byte header
// [stream type 0|1|2, 0, 0, 0, uint32 BE length] and the payload. Decoding only; the daemon encodes.
import { Transform, type TransformCallback, Writable } from 'node:stream'

export type StreamType = 'stdin' | 'stdout' | 'stderr' | 'systemerr'

export interface Frame {
  stream: StreamType
  data: Buffer
}

const TYPES: Record<number, StreamType> = { 0: 'stdin', 1: 'stdout', 2: 'stderr', 3: 'systemerr' }
const HEADER = 8

/** Splits a byte stream into frames, buffering partial headers and payloads across chunks. */
export class FrameDecoder extends Transform {
  #pending: Buffer = Buffer.alloc(0)
  constructor() {
    super({ readableObjectMode: true })
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.#pending = this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk])
    for (;;) {
      if (this.#pending.length < HEADER) break
      const type = this.#pending[0] ?? 0
      const stream = TYPES[type]
      if (!stream) {
        done(new Error(`Unrecognized input header: ${type}`))
        return
      }
      const size = this.#pending.readUInt32BE(4)
      if (this.#pending.length < HEADER + size) break
      const data = this.#pending.subarray(HEADER, HEADER + size)
      this.#pending = this.#pending.subarray(HEADER + size)
      this.push({ stream, data } satisfies Frame)
    }
    done()
  }
  override _flush(done: TransformCallback): void {
    // A truncated trailing frame is dropped, as docker's stdcopy does at EOF.
    done()
  }
}

export interface DemuxTargets {
  stdout: NodeJS.WritableStream | { write(b: Buffer): unknown }
  stderr: NodeJS.WritableStream | { write(b: Buffer): unknown }
}

/**
 * Copies a multiplexed stream to stdout/stderr until it ends. A `systemerr` frame (type 3) is an
 * error from the daemon and rejects with its text, as docker's StdCopy does.
 */
export async function demultiplex(source: NodeJS.ReadableStream, targets: DemuxTargets): Promise<void> {
  // Frames are decoded straight from each chunk and consecutive payloads of one stream are
  // written together: a 50 MB log is ~650k frames, one write each would dominate.
  let pending: Buffer = Buffer.alloc(0)
  for await (const raw of source as AsyncIterable<Buffer>) {
    const chunk = typeof raw === 'string' ? Buffer.from(raw) : raw
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk])
    let off = 0
    // Payloads are copied into one buffer per chunk (no view per frame); a run of one stream is
    // written as a single slice of it.
    const out = Buffer.allocUnsafe(pending.length)
    let pos = 0
    let runStart = 0
    let runStream: StreamType | undefined
    const flush = async () => {
      if (pos === runStart || !runStream) return
      const data = out.subarray(runStart, pos)
      runStart = pos
      if (runStream === 'stdout') await writeAll(targets.stdout, data)
      else if (runStream === 'stderr') await writeAll(targets.stderr, data)
    }
    while (pending.length - off >= HEADER) {
      const type = pending[off] ?? 0
      const stream = TYPES[type]
      if (!stream) throw new Error(`Unrecognized input header: ${type}`)
      const size = pending.readUInt32BE(off + 4)
      if (pending.length - off < HEADER + size) break
      const from = off + HEADER
      off += HEADER + size
      if (stream === 'systemerr') {
        await flush()
        throw new Error(`error from daemon in stream: ${pending.toString('utf8', from, from + size)}`)
      }
      if (stream !== runStream) {
        await flush()
        runStream = stream
      }
      pos += pending.copy(out, pos, from, from + size)
    }
    await flush()
    pending = off === pending.length ? Buffer.alloc(0) : Buffer.from(pending.subarray(off))
  }
}

async function writeAll(target: DemuxTargets['stdout'], data: Buffer): Promise<void> {
  const ok = (target as { write(b: Buffer): unknown }).write(data)
  if (ok === false && target instanceof Writable) await new Promise((r) => target.once('drain', r))
}

/** Encodes one frame (used by tests and fakes). */
export function encodeFrame(stream: StreamType, data: Buffer | string): Buffer {
  const payload = typeof data === 'string' ? Buffer.from(data) : data
  const header = Buffer.alloc(HEADER)
  header[0] = { stdin: 0, stdout: 1, stderr: 2, systemerr: 3 }[stream]
  header.writeUInt32BE(payload.length, 4)
  return Buffer.concat([header, payload])
}
