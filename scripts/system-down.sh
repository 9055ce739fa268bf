#!/usr/bin/env bash
# Stops the middlewares, then the network. With --purge, also deletes the network's data and
# the middlewares' databases (a read model of a deleted ledger is worthless).
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ "${1:-}" == "--purge" ]]; then
  bash scripts/middleware.sh purge
  node fabric-network/dist/cli/main.js down --purge
else
  bash scripts/middleware.sh down
  node fabric-network/dist/cli/main.js down
fi
