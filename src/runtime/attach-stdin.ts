// Opens a container's stdin through conmon's attach socket. The socket is SOCK_SEQPACKET, which
// Node's net module cannot open, so this uses the `node-unix-socket` addon (loaded on first use).
// Input packets are raw bytes; conmon closes the container's stdin when we shut down our side,
// unless it runs with --leave-stdin-open. Output packets (stream id + data) are drained unread:
// the container service reads output from the log file.
import { closeSync, constants, openSync } from 'node:fs'
import { basename, dirname } from 'node:path'
import { Writable } from 'node:stream'
import { ConflictError, messageOf } from '../lib/errors.ts'

/** conmon reads at most 32 KiB per packet and a SEQPACKET read truncates: stay well below. */
const PACKET_SIZE = 8192
/** sockaddr_un.sun_path holds 108 bytes including the terminating NUL. */
const MAX_SOCKET_PATH = 107

interface SeqpacketSocketLike {
  connect(path: string, cb?: () => void): void
  write(buf: Buffer, offset?: number, length?: number, cb?: () => void): void
  end(cb?: () => void): void
  destroy(): void
  on(event: string, listener: (...args: unknown[]) => void): unknown
}

type SeqpacketCtor = new () => SeqpacketSocketLike

async function loadSeqpacket(): Promise<SeqpacketCtor> {
  const mod = (await import('node-unix-socket')) as unknown as {
    SeqpacketSocket?: SeqpacketCtor
    default?: { SeqpacketSocket?: SeqpacketCtor }
  }
  const ctor = mod.SeqpacketSocket ?? mod.default?.SeqpacketSocket
  if (ctor === undefined) throw new Error('node-unix-socket has no SeqpacketSocket export')
  return ctor
}

/** Connects to `socketPath` and returns a Writable feeding the container's stdin.
 *  @throws ConflictError when nothing listens there (conmon is gone or was started without -i). */
export async function openAttachStdin(socketPath: string): Promise<Writable> {
  const Seqpacket = await loadSeqpacket()
  const sock = new Seqpacket()
  // Long paths go through /proc/self/fd/<dir fd>/attach, as conmon itself binds them.
  const dirFd =
    socketPath.length > MAX_SOCKET_PATH
      ? openSync(dirname(socketPath), constants.O_RDONLY | constants.O_DIRECTORY)
      : -1
  try {
    const target = dirFd >= 0 ? `/proc/self/fd/${dirFd}/${basename(socketPath)}` : socketPath
    await new Promise<void>((resolve, reject) => {
      sock.on('error', (err) => reject(err))
      try {
        sock.connect(target, resolve)
      } catch (err) {
        reject(err)
      }
    })
  } catch (err) {
    sock.destroy()
    throw new ConflictError(`cannot attach to container stdin: ${messageOf(err)}`, { cause: err })
  } finally {
    if (dirFd >= 0) closeSync(dirFd)
  }
  return stdinWritable(sock)
}

function stdinWritable(sock: SeqpacketSocketLike): Writable {
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      writePackets(sock, chunk).then(() => callback(), callback)
    },
    final(callback) {
      sock.end(() => callback())
    },
    destroy(err, callback) {
      sock.destroy()
      callback(err)
    },
  })
  sock.on('data', () => {
    // Output is read from the log file; drained here so conmon never blocks writing to us.
  })
  sock.on('end', () => stream.destroy())
  sock.on('error', (err) => stream.destroy(err instanceof Error ? err : new Error(String(err))))
  return stream
}

async function writePackets(sock: SeqpacketSocketLike, data: Buffer): Promise<void> {
  for (let off = 0; off < data.length; off += PACKET_SIZE) {
    const len = Math.min(PACKET_SIZE, data.length - off)
    await new Promise<void>((resolve) => sock.write(data, off, len, resolve))
  }
}
