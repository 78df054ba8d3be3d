// Writes to stdout a rootfs tarball made from the host's busybox-static: /bin/busybox, a
// symlink per applet, a minimal /etc. `berth import - busybox:latest` turns it into the first
// image, so a fresh machine runs containers without any registry. Tests use it too.

import { execFileSync } from 'node:child_process'
import { readFileSync, statSync } from 'node:fs'
import { pack } from 'tar-stream'

export function busyboxRootfs(busybox = '/usr/bin/busybox') {
  const p = pack()
  const mtime = new Date(statSync(busybox).mtimeMs)
  const dir = (name, mode = 0o755) => p.entry({ name, type: 'directory', mode, mtime })
  const file = (name, content, mode = 0o644) => p.entry({ name, mode, mtime }, content)
  for (const d of [
    'bin',
    'sbin',
    'usr',
    'usr/bin',
    'usr/sbin',
    'etc',
    'root',
    'home',
    'var',
    'var/spool',
    'var/spool/mail',
    'var/www',
    'proc',
    'sys',
    'dev',
  ])
    dir(d, d === 'root' ? 0o700 : 0o755)
  dir('tmp', 0o1777)
  file('bin/busybox', readFileSync(busybox), 0o755)
  const applets = execFileSync(busybox, ['--list-full'], { encoding: 'utf8' }).split('\n').filter(Boolean)
  for (const a of applets) {
    if (a === 'bin/busybox') continue
    p.entry({ name: a, type: 'symlink', linkname: '/bin/busybox', mode: 0o777, mtime })
  }
  file(
    'etc/passwd',
    'root:x:0:0:root:/root:/bin/sh\ndaemon:x:1:1:daemon:/usr/sbin:/bin/false\nbin:x:2:2:bin:/bin:/bin/false\nsys:x:3:3:sys:/dev:/bin/false\nsync:x:4:100:sync:/bin:/bin/sync\nmail:x:8:8:mail:/var/spool/mail:/bin/false\nwww-data:x:33:33:www-data:/var/www:/bin/false\noperator:x:37:37:Operator:/var:/bin/false\nnobody:x:65534:65534:nobody:/home:/bin/false\n',
  )
  file(
    'etc/group',
    'root:x:0:\ndaemon:x:1:\nbin:x:2:\nsys:x:3:\nadm:x:4:\ntty:x:5:\ndisk:x:6:\nwheel:x:10:root\nmail:x:8:\nwww-data:x:33:\noperator:x:37:\nusers:x:100:\nnogroup:x:65534:\n',
  )
  file('etc/shadow', 'root:*:10933:0:99999:7:::\nnobody:*:10933:0:99999:7:::\n', 0o640)
  p.finalize()
  return p
}

if (import.meta.url === `file://${process.argv[1]}`) busyboxRootfs(process.argv[2]).pipe(process.stdout)
