#!/usr/bin/env bash
# Installs everything mallchain needs on a fresh machine with Node, npm and Go:
# npm packages (workspaces, and the chaincode's own lockfile), Fabric binaries (built once
# from the Go module proxy and cached), Debian's chromium for the console's browser tests (when missing), and a
# build of every package (the console included). Safe to repeat.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\n[bootstrap] %s\n' "$*"; }
die() { printf '[bootstrap] ERROR: %s\n' "$*" >&2; exit 1; }

command -v node >/dev/null || die "Node.js is not installed (Node 20.19 or newer is needed)."
node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' \
  || die "Node $(node --version) is too old: Node 20.19 or newer is needed."
command -v npm >/dev/null || die "npm is not installed."

say "npm packages (workspaces: fabric-network, middleware, test)"
npm ci --no-audit --no-fund --loglevel=error
say "npm packages of the chaincode (its own lockfile, as a peer or chaincode image installs it)"
npm ci --prefix chaincode --no-audit --no-fund --loglevel=error

say "Fabric binaries"
bash fabric-network/scripts/install-fabric.sh >/dev/null

say "chromium (the console's browser tests drive it with playwright-core)"
if command -v chromium >/dev/null || [[ -n "${CHROMIUM_PATH:-}" && -x "${CHROMIUM_PATH}" ]]; then
  echo "chromium: $(command -v chromium || echo "$CHROMIUM_PATH")"
elif command -v apt-get >/dev/null && [[ $(id -u) == 0 ]]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
else
  echo "[bootstrap] WARNING: chromium is missing (the console browser test needs it): apt-get install chromium, or set CHROMIUM_PATH" >&2
fi

say "build"
npm run build --silent
say "done"
