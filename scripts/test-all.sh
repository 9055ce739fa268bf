#!/usr/bin/env bash
# The whole test suite: install, lint, unit tests, then the integration and end-to-end tests
# against a real Fabric network and the real Postgres. A network that is already running
# (same MALLCHAIN_* settings) is reused and left running; one started here is stopped at the end.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n=== %s ===\n' "$*"; }

step "install and build"
bash scripts/bootstrap.sh

step "lint"
npm run lint

step "unit tests"
npm run test:unit

step "end-to-end tests (real Fabric network, real Postgres)"
started_here=0
if ! node -e 'const {Network,settingsFromEnv}=require("./fabric-network/dist");process.exit(new Network(settingsFromEnv(),()=>{}).isRunning()?0:1)'; then
  started_here=1
fi
cleanup() {
  if [[ $started_here == 1 ]]; then
    node fabric-network/dist/cli/main.js down || true
  fi
}
trap cleanup EXIT
node fabric-network/dist/cli/main.js up

# The outage test (a peer stopped for 20 minutes on a network of its own) and the partition test
# (three malls in network namespaces, one cut off for 3 minutes, then faults on the links) mostly
# wait: they run beside the rest, each on a network of its own.
outage_log=$(mktemp -t mallchain-outage-XXXXXX.log)
npm run test:e2e:outage -w middleware >"$outage_log" 2>&1 &
outage_pid=$!
partition_log=$(mktemp -t mallchain-partition-XXXXXX.log)
npm run test:e2e:partition -w middleware >"$partition_log" 2>&1 &
partition_pid=$!
e2e_status=0
npm run test:e2e || e2e_status=$?

step "end-to-end: malls on separate hosts, one cut off, then faults on the links (ran beside the others)"
partition_status=0
wait "$partition_pid" || partition_status=$?
cat "$partition_log"
rm -f "$partition_log"

step "end-to-end: Mall B's peer stopped for 20 minutes (ran beside the others)"
outage_status=0
wait "$outage_pid" || outage_status=$?
cat "$outage_log"
rm -f "$outage_log"
(( e2e_status == 0 && partition_status == 0 && outage_status == 0 ))
