#!/usr/bin/env bash
# Starts the whole system on this machine: installs what is missing, brings up the Fabric
# network with the chaincode committed, then one middleware per mall (see README).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
node fabric-network/dist/cli/main.js up
bash scripts/middleware.sh up
