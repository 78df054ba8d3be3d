#!/usr/bin/env bash
# Quick start: installs whatever is missing, starts berthd in the background (if it is not
# already serving), creates busybox:latest from the host's busybox-static (if absent) and runs
# a first container. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
SOCK=/run/berth.sock
if ! berth -H "unix://$SOCK" version >/dev/null 2>&1; then
  echo "[up] starting berthd (log: /var/log/berthd.log)" >&2
  nohup berthd -H "unix://$SOCK" >>/var/log/berthd.log 2>&1 </dev/null &
  for _ in $(seq 1 100); do berth -H "unix://$SOCK" version >/dev/null 2>&1 && break; sleep 0.1; done
fi
if ! berth image inspect busybox:latest >/dev/null 2>&1; then
  NODE_BIN=$(sed -n 's/.*exec \([^ ]*\) .*/\1/p' /usr/local/bin/berthd)
  "$NODE_BIN" scripts/busybox-rootfs.mjs | berth import -c 'CMD ["sh"]' - busybox:latest >/dev/null
fi
berth run --rm busybox sh -c 'echo "Hello from a berth container: I am pid $$ on host $(hostname)"' 
