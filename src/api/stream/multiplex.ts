// Docker's multiplexed stream framing (no-TTY logs and attach): an 8-byte header — stream type
// (0 stdin, 1 stdout, 2 stderr, 3 systemerr), three zero bytes, big-endian uint32 length —
// then the payload.
export type StreamType = 0 | 1 | 2 | 3

export function frame(type: StreamType, data: Buffer): Buffer {
  const header = Buffer.alloc(8)
  header[0] = type
  header.writeUInt32BE(data.length, 4)
  return Buffer.concat([header, data])
}

export const MULTIPLEXED = 'application/vnd.docker.multiplexed-stream'
export const RAW_STREAM = 'application/vnd.docker.raw-stream'
