#!/usr/bin/env bash
# npm run bench:caliper — Hyperledger Caliper against the running (or started) network selected by MALLCHAIN_*:
# installs Caliper from test/caliper/package.json on first use (its own lockfile; not a workspace, not in CI's install), generates the network
# config from network.json, runs the rounds of benchmark.ts, keeps the HTML report in docs/caliper-report.html and
# writes the figures with the machine's load to docs/bench-caliper.md.
# CALIPER_ROUND_SECONDS (default 30) sets each round's length.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
cd "$repo"

# Installed outside the repository: Caliper's Fabric connector refuses to run when it can resolve both
# fabric-gateway and fabric-network, and from inside the tree it would find the middleware's fabric-network.
install_dir=${MALLCHAIN_CALIPER_DIR:-$HOME/.cache/mallchain/caliper-0.6.0}
mkdir -p "$install_dir"
if [ ! -x "$install_dir/node_modules/.bin/caliper" ] || ! cmp -s "$here/package-lock.json" "$install_dir/package-lock.json"; then
  echo "[caliper] installing @hyperledger/caliper-cli into $install_dir (test/caliper/package-lock.json)" >&2
  cp "$here/package.json" "$here/package-lock.json" "$install_dir/"
  npm ci --prefix "$install_dir" --no-audit --no-fund >&2
fi
export MALLCHAIN_CALIPER_MODULES="$install_dir/node_modules"

node fabric-network/dist/cli/main.js up >&2
home=$(node -e "console.log(require('./fabric-network/dist/settings').settingsFromEnv().home)")
network_json="$home/network.json"
channel=$(node -e "console.log(require(process.argv[1]).channel)" "$network_json")
register="$repo/test/bench/ts-register.js"

rm -rf "$here/generated"
node -r "$register" "$here/generate-network.ts" "$network_json" "$here/generated" >&2
node -r "$register" "$here/benchmark.ts" "$channel" "$here/generated/benchmark.json" "${CALIPER_ROUND_SECONDS:-30}"

log="$here/generated/caliper.log"
load_before=$(cat /proc/loadavg)
started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
(
  cd "$here"
  "$install_dir/node_modules/.bin/caliper" launch manager \
    --caliper-workspace "$here" \
    --caliper-networkconfig generated/networkconfig.json \
    --caliper-benchconfig generated/benchmark.json \
    --caliper-report-path "$repo/docs/caliper-report.html" \
    --caliper-flow-skip-install 2>&1 | tee "$log"
)
load_after=$(cat /proc/loadavg)
node -r "$register" "$here/summarize.ts" "$log" "$repo/docs/bench-caliper.md" \
  "$started" "$load_before" "$load_after" "$(nproc)" "$network_json"
npx prettier --write "$repo/docs/bench-caliper.md" >/dev/null
echo "[caliper] report: docs/caliper-report.html, figures: docs/bench-caliper.md" >&2
