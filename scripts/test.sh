#!/usr/bin/env bash
# Installs whatever is missing (scripts/setup.sh), then runs the whole suite: type check,
# lint, unit tests, end-to-end tests against a real berthd with real containers.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --tests
NODE_BIN=$(sed -n 's/.*exec \([^ ]*\) .*/\1/p' /usr/local/bin/berthd)
export PATH="$(dirname "$NODE_BIN"):$PATH"
echo "== typecheck"; npx tsc -p tsconfig.json
echo "== lint"; npx biome check src test bench scripts
echo "== tests"; "$NODE_BIN" scripts/run-tests.mjs all
# berthd drives crun where it is installed; the end-to-end tests run once more under runc.
echo "== end-to-end tests under runc"; BERTH_TEST_RUNTIME=runc "$NODE_BIN" scripts/run-tests.mjs e2e
