#!/usr/bin/env bash
# Stops the middlewares, then the network (its data is kept; `npm run network -- down --purge` wipes it).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/middleware.sh down
node fabric-network/dist/cli/main.js down
