// A fake upstream resolver for the embedded DNS tests: UDP on 127.0.0.1 (a kernel-chosen port),
// answering every A question with one fixed address and recording the names asked, so no query
// ever leaves the host.
import { createSocket, type Socket } from 'node:dgram'
import { once } from 'node:events'

/** A UDP resolver on 127.0.0.1 answering every A question with one address; records names. */
export class LoopbackUpstream {
  readonly seen: string[] = []
  port = 0
  readonly address: string
  #udp: Socket | undefined
  constructor(address: string) {
    this.address = address
  }
  async start(): Promise<this> {
    const udp = createSocket('udp4')
    udp.bind(0, '127.0.0.1')
    await once(udp, 'listening')
    this.port = udp.address().port
    udp.on('message', (msg, rinfo) => udp.send(this.#reply(msg), rinfo.port, rinfo.address))
    this.#udp = udp
    return this
  }
  #reply(msg: Buffer): Buffer {
    let i = 12
    const labels: string[] = []
    while (msg[i]) {
      labels.push(msg.subarray(i + 1, i + 1 + msg[i]!).toString())
      i += msg[i]! + 1
    }
    const type = msg.readUInt16BE(i + 1)
    this.seen.push(labels.join('.'))
    const header = Buffer.alloc(12)
    header.writeUInt16BE(msg.readUInt16BE(0), 0)
    header.writeUInt16BE(0x8180, 2)
    header.writeUInt16BE(1, 4)
    const question = msg.subarray(12, i + 5)
    if (type !== 1) return Buffer.concat([header, question])
    header.writeUInt16BE(1, 6)
    const rr = Buffer.alloc(16)
    rr.writeUInt16BE(0xc00c, 0)
    rr.writeUInt16BE(1, 2)
    rr.writeUInt16BE(1, 4)
    rr.writeUInt32BE(30, 6)
    rr.writeUInt16BE(4, 10)
    Buffer.from(this.address.split('.').map(Number)).copy(rr, 12)
    return Buffer.concat([header, question, rr])
  }
  stop(): Promise<void> {
    return new Promise((r) => (this.#udp ? this.#udp.close(() => r()) : r()))
  }
}
