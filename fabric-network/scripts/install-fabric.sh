#!/usr/bin/env bash
# Builds the Fabric binaries mallchain needs (peer, orderer, osnadmin, configtxgen,
# configtxlator, cryptogen) from the Go module proxy, into a cache outside the repository
# keyed by version. A second run finds them and returns at once.
#
# Settings (environment):
#   MALLCHAIN_FABRIC_VERSION  Fabric release to build: 3.1.1, 2.5.0 or "auto" (default):
#                             auto builds 3.1.1 (the newest v3 release the module proxy of this
#                             project's machines serves; 3.1.2 and later answer 403 there) and
#                             falls back to 2.5.0 (LTS) when the proxy cannot serve that commit.
#   MALLCHAIN_FABRIC_CACHE    cache root (default ${XDG_CACHE_HOME:-$HOME/.cache}/mallchain/fabric)
# Prints the binary directory on its last line.
set -euo pipefail

say() { printf '[install-fabric] %s\n' "$*" >&2; }
die() { printf '[install-fabric] ERROR: %s\n' "$*" >&2; exit 1; }

# Fabric's module path has no /v3 suffix, so releases are fetched by commit as pseudo-versions.
declare -A PSEUDO=(
  [3.1.1]='v1.4.0-rc1.0.20250510200036-435a7f1a780a'
  [2.5.0]='v1.4.0-rc1.0.20230401164317-bd8e24856939'
)
# Short commit of each release, stamped into `peer version` / the operations /version endpoint.
declare -A COMMIT=(
  [3.1.1]='435a7f1a780a'
  [2.5.0]='bd8e24856939'
)
COMMANDS=(peer orderer osnadmin configtxgen configtxlator cryptogen)
MIN_GO_MINOR=21

requested="${MALLCHAIN_FABRIC_VERSION:-auto}"
cache_root="${MALLCHAIN_FABRIC_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mallchain/fabric}"

command -v go >/dev/null 2>&1 || die "Go is not installed or not on PATH. Install Go 1.${MIN_GO_MINOR} or newer (https://go.dev/dl) and run again."
go_version=$(go env GOVERSION 2>/dev/null || true)
[[ "$go_version" =~ ^go1\.([0-9]+) ]] || die "cannot read the Go version (go env GOVERSION printed '${go_version}')."
if (( BASH_REMATCH[1] < MIN_GO_MINOR )); then
  die "Go ${go_version#go} is too old: Fabric needs Go 1.${MIN_GO_MINOR} or newer."
fi

complete() {
  local dir=$1 c
  for c in "${COMMANDS[@]}"; do [[ -x "$dir/$c" ]] || return 1; done
  [[ -f "$dir/../config/core.yaml" && -f "$dir/FABRIC_VERSION" ]]
}

case "$requested" in
  auto) candidates=(3.1.1 2.5.0) ;;
  3.1.1|2.5.0) candidates=("$requested") ;;
  *) die "MALLCHAIN_FABRIC_VERSION=${requested} is not supported (use 3.1.1, 2.5.0 or auto)." ;;
esac

# Why an earlier (preferred) candidate was not used; said with the version that is used instead.
fallback_reasons=()
because() {
  if [[ "$requested" != auto ]]; then
    printf ' (MALLCHAIN_FABRIC_VERSION=%s)' "$requested"
  elif (( ${#fallback_reasons[@]} == 0 )); then
    printf ' (auto: the preferred release, the newest v3 the module proxy serves)'
  else
    local IFS=';'
    printf ' (auto fell back: %s)' "${fallback_reasons[*]}"
  fi
}

# A candidate the proxy refused is remembered, so that every `up` does not ask again (and wait
# on an unreachable proxy); deleting the marker file makes the next run try again.
refused_marker() { echo "$cache_root/$1/UNAVAILABLE"; }

# In order of preference: a cached build is used at once; a version that is not cached is built,
# and only a version that cannot be built falls through to the next one.
for v in "${candidates[@]}"; do
  if complete "$cache_root/$v/bin"; then
    say "using Fabric $v: cached binaries in $cache_root/$v/bin$(because)"
    echo "$cache_root/$v/bin"
    exit 0
  fi
  marker=$(refused_marker "$v")
  if [[ "$requested" == auto && -f "$marker" ]]; then
    fallback_reasons+=("Fabric $v $(cat "$marker"); delete $marker to try it again")
    continue
  fi
  pseudo=${PSEUDO[$v]}
  work="$cache_root/$v/build"
  mkdir -p "$work" "$cache_root/$v/bin"
  say "resolving Fabric $v (github.com/hyperledger/fabric@${pseudo}) through $(go env GOPROXY)"
  # A throw-away module pins Fabric at the release commit: `go install pkg@version` would also
  # ask the proxy for the module's version list, which some proxies refuse.
  rm -f "$work/go.mod" "$work/go.sum"
  (cd "$work" && go mod init mallchain.local/fabric-build >/dev/null 2>&1)
  {
    echo '//go:build tools'
    echo
    echo 'package tools'
    echo
    echo 'import ('
    for c in "${COMMANDS[@]}"; do echo "	_ \"github.com/hyperledger/fabric/cmd/$c\""; done
    echo ')'
  } > "$work/tools.go"
  if ! (cd "$work" && go get "github.com/hyperledger/fabric@${pseudo}" >"$work/resolve.log" 2>&1 && go mod tidy >>"$work/resolve.log" 2>&1); then
    reason=$(grep -m1 -oE '[0-9]{3} [A-Za-z][A-Za-z ]*' "$work/resolve.log" || true)
    [[ -n "$reason" ]] || reason=$(grep -m1 -v '^go: downloading' "$work/resolve.log" | cut -c1-160 || true)
    reason="could not be resolved from the module proxy on $(date -u +%Y-%m-%dT%H:%MZ) (${reason:-no output}; log $work/resolve.log)"
    say "Fabric $v $reason."
    echo "$reason" > "$marker"
    fallback_reasons+=("Fabric $v $reason")
    continue
  fi
  rm -f "$marker"
  ldflags="-X github.com/hyperledger/fabric/common/metadata.Version=$v -X github.com/hyperledger/fabric/common/metadata.CommitSHA=${COMMIT[$v]}"
  pkgs=(); for c in "${COMMANDS[@]}"; do pkgs+=("github.com/hyperledger/fabric/cmd/$c"); done
  say "building ${COMMANDS[*]} for Fabric $v with $go_version (cold: a few minutes on 2 cores; later runs reuse the cache)"
  start=$(date +%s)
  if ! (cd "$work" && CGO_ENABLED=0 GOBIN="$cache_root/$v/bin" go install -trimpath -ldflags "$ldflags" "${pkgs[@]}" 2>"$work/build.log"); then
    tail -20 "$work/build.log" >&2
    die "building Fabric $v failed; full log in $work/build.log"
  fi
  dir=$(cd "$work" && go mod download -json "github.com/hyperledger/fabric@${pseudo}" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  [[ -d "$dir/sampleconfig" ]] || die "cannot find Fabric's sampleconfig in the module cache"
  rm -rf "$cache_root/$v/config" && cp -r "$dir/sampleconfig" "$cache_root/$v/config" && chmod -R u+w "$cache_root/$v/config"
  echo "$v" > "$cache_root/$v/bin/FABRIC_VERSION"
  say "using Fabric $v: built in $(( $(date +%s) - start ))s into $cache_root/$v/bin$(because)"
  echo "$cache_root/$v/bin"
  exit 0
done
die "no Fabric version among (${candidates[*]}) could be resolved from the Go module proxy$(because)."
