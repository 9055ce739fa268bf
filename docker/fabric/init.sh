#!/usr/bin/env bash
# fabric-init: crypto material and the channel's genesis block, before any node starts.
# Mirrors fabric-network's ensureCrypto / createGenesisBlock; safe to run again (keeps what exists).
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

STATE="$ROOT/state.json"

# A volume made for another network (other profile, channel or Fabric line) is refused, as
# the native `up` refuses a stale data directory: its genesis block and ledgers do not fit.
check_state() {
  [[ -f "$STATE" ]] || return 0
  local want have
  want="$PROFILE $CHANNEL ${FABRIC_VERSION%%.*}"
  have=$(jq -r '"\(.profile) \(.channel) \(.fabricVersion | split(".")[0])"' "$STATE")
  if [[ "$want" != "$have" ]]; then
    die "the fabric volume belongs to another network (profile/channel/Fabric major: $have, asked for: $want). Wipe it with \`docker compose down -v\` or start with the same settings."
  fi
}

check_state
mkdir -p "$CRYPTO" "$ARTIFACTS"

if [[ ! -d "$CRYPTO/ordererOrganizations/$ORDERER_DOMAIN" || ! -d "$CRYPTO/peerOrganizations/$(mall_domain B)" ]]; then
  # `extend` adds what is missing and keeps existing identities (and ledgers signed with them).
  cryptogen extend --config "$SCRIPTS/crypto-config.yaml" --input "$CRYPTO"
  say "generated crypto material (cryptogen, NodeOUs on) in $CRYPTO"
fi

block="$ARTIFACTS/$CHANNEL.block"
if [[ ! -f "$block" ]]; then
  work="$ROOT/config/configtx"
  mkdir -p "$work"
  if is_fabric3; then
    cp "$SCRIPTS/configtx.yaml" "$work/configtx.yaml"
  else
    sed 's/V3_0: true/V2_0: true/' "$SCRIPTS/configtx.yaml" >"$work/configtx.yaml"
  fi
  configtxgen -configPath "$work" -profile "$CONFIGTX_PROFILE" -outputBlock "$block" -channelID "$CHANNEL"
  say "created genesis block of $CHANNEL ($PROFILE profile: ${#ORDERERS[@]} orderer(s))"
fi

printf '{"profile":"%s","portBase":%d,"channel":"%s","fabricVersion":"%s","malls":["A","B"]}\n' \
  "$PROFILE" "$PORT_BASE" "$CHANNEL" "$FABRIC_VERSION" >"$STATE"
