#!/usr/bin/env bash
# fabric-setup: orderers and peers join the channel, the chaincode goes through the
# lifecycle, and the network is ready once a first transaction commits. Mirrors
# fabric-network's Network.up (channel.ts, chaincode.ts); every step is skipped when done.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

CC_NAME=${MALLCHAIN_CHAINCODE:-mallchain}
CC_ADDRESS=${MALLCHAIN_CHAINCODE_ADDRESS:-mallchain-chaincode:7200}
CC_DIR="$ROOT/chaincode"
block="$ARTIFACTS/$CHANNEL.block"
[[ -f "$block" ]] || die "no genesis block at $block: fabric-init has not run"

osnadmin_tls() {
  local admin="$CRYPTO/ordererOrganizations/$ORDERER_DOMAIN/users/Admin@$ORDERER_DOMAIN/tls"
  echo "--ca-file $(orderer_tls_ca) --client-cert $admin/client.crt --client-key $admin/client.key"
}

join_orderers() {
  local i host admin list
  for i in "${ORDERERS[@]}"; do
    host=$(orderer_host "$i")
    retry 60 getent hosts "$host" >/dev/null || die "$host is not running: the ha profile needs COMPOSE_PROFILES=ha (it starts orderer1 and orderer2)"
    admin="$host:$(orderer_admin_port "$i")"
    # shellcheck disable=SC2046
    retry 120 osnadmin channel list -o "$admin" $(osnadmin_tls) >/tmp/channels.out 2>&1 || die "$host admin API did not answer: $(cat /tmp/channels.out)"
    list=$(sed -n '/{/,$p' /tmp/channels.out | jq -r '.channels // [] | .[].name')
    if grep -qx "$CHANNEL" <<<"$list"; then continue; fi
    # shellcheck disable=SC2046
    osnadmin channel join --channelID "$CHANNEL" --config-block "$block" -o "$admin" $(osnadmin_tls) >/dev/null
    say "$host joined $CHANNEL"
  done
  if [[ "$PROFILE" == dev ]] && getent hosts "$(orderer_host 1)" >/dev/null; then
    die "orderer1 is running but the channel was made for 1 orderer: start with the same COMPOSE_PROFILES, or wipe with \`docker compose down -v\`"
  fi
}

join_peers() {
  local m host
  for m in "${MALLS[@]}"; do
    host=$(mall_peer_host "$m")
    retry 60 as_admin "$m" peer channel list >/tmp/peer-channels.out 2>&1 || die "$host did not answer: $(cat /tmp/peer-channels.out)"
    if grep -qx "$CHANNEL" /tmp/peer-channels.out; then continue; fi
    retry 60 as_admin "$m" peer channel join -b "$block" || die "$host could not join $CHANNEL"
    say "$host joined $CHANNEL"
  done
}

all_peers_args() {
  local m
  for m in "${MALLS[@]}"; do
    echo "--peerAddresses $(mall_peer_host "$m"):$(mall_peer_port "$m") --tlsRootCertFiles $(mall_tls_ca "$m")"
  done
}

# CCaaS package: metadata.json + code.tar.gz holding connection.json. Kept on the volume and
# reused, so the package ID (label + sha256 of the file) stays stable across runs.
package_chaincode() {
  local label=$1 dir="$CC_DIR/$1"
  if [[ ! -f "$dir/$label.tar.gz" ]]; then
    mkdir -p "$dir/src"
    printf '{"address":"%s","dial_timeout":"10s","tls_required":false}' "$CC_ADDRESS" >"$dir/src/connection.json"
    printf '{"type":"ccaas","label":"%s"}' "$label" >"$dir/metadata.json"
    tar -C "$dir/src" -czf "$dir/code.tar.gz" connection.json
    tar -C "$dir" -czf "$dir/$label.tar.gz" metadata.json code.tar.gz
  fi
  echo "$label:$(sha256sum "$dir/$label.tar.gz" | cut -d' ' -f1)"
}

definition_args() {
  echo "--channelID $CHANNEL --name $CC_NAME --version $1 --sequence $2"
}

deploy_chaincode() {
  local version=$1 sequence=$2 label package_id m
  label="${CC_NAME}_${version}_${sequence}"
  package_id=$(package_chaincode "$label")
  # The chaincode container waits for this file and serves that package ID.
  echo "$package_id" >"$CC_DIR/package-id.tmp" && mv "$CC_DIR/package-id.tmp" "$CC_DIR/package-id"
  say "chaincode $CC_NAME $version, sequence $sequence: package $package_id"
  for m in "${MALLS[@]}"; do
    if as_admin "$m" peer lifecycle chaincode queryinstalled -O json | jq -e --arg id "$package_id" '.installed_chaincodes // [] | any(.package_id == $id)' >/dev/null; then continue; fi
    as_admin "$m" peer lifecycle chaincode install "$CC_DIR/$label/$label.tar.gz"
    say "installed on $(mall_peer_host "$m")"
  done
  for m in "${MALLS[@]}"; do
    # shellcheck disable=SC2046
    if as_admin "$m" peer lifecycle chaincode checkcommitreadiness $(definition_args "$version" "$sequence") -O json |
      jq -e --arg org "$(mall_msp "$m")" '.approvals[$org]' >/dev/null; then continue; fi
    # shellcheck disable=SC2046
    retry 30 as_admin "$m" peer lifecycle chaincode approveformyorg $(orderer_args) $(definition_args "$version" "$sequence") --package-id "$package_id" --waitForEvent ||
      die "$(mall_msp "$m") could not approve $label"
    say "approved by $(mall_msp "$m")"
  done
  # shellcheck disable=SC2046
  retry 20 as_admin A peer lifecycle chaincode commit $(orderer_args) $(definition_args "$version" "$sequence") $(all_peers_args) ||
    die "commit of $label failed"
  say "committed $CC_NAME sequence $sequence on $CHANNEL"
}

# Deploys when nothing is committed or chaincode/package.json has another version.
ensure_chaincode() {
  local version committed sequence=0 committed_version=''
  version=$(jq -r .version /opt/mallchain/chaincode-package.json)
  mkdir -p "$CC_DIR"
  if committed=$(as_admin A peer lifecycle chaincode querycommitted --channelID "$CHANNEL" --name "$CC_NAME" -O json 2>/dev/null); then
    sequence=$(jq -r .sequence <<<"$committed")
    committed_version=$(jq -r .version <<<"$committed")
  fi
  if [[ "$committed_version" == "$version" && -s "$CC_DIR/package-id" ]]; then
    say "chaincode $CC_NAME $version (sequence $sequence) is committed"
    return
  fi
  deploy_chaincode "$version" $((sequence + 1))
}

# Ready means a transaction endorsed by every mall commits (gossip and discovery settle first).
first_transaction() {
  local note
  note=$(printf '{"id":"readiness","text":"network up with %s"}' "$(cut -d: -f1 "$CC_DIR/package-id")")
  # shellcheck disable=SC2046
  retry 180 as_admin A peer chaincode invoke $(orderer_args) -C "$CHANNEL" -n "$CC_NAME" $(all_peers_args) --waitForEvent \
    -c "$(jq -cn --arg note "$note" '{function: "info:PutNote", Args: [$note]}')" ||
    die "the first transaction did not commit: is mallchain-chaincode running? (docker compose logs mallchain-chaincode)"
  say "first transaction committed (info:PutNote endorsed by every mall)"
}

# network.json as fabric-network/src/description.ts writes it, with container addresses and paths.
write_description() {
  local orderers='[]' orgs='{}' i m d
  for i in "${ORDERERS[@]}"; do
    orderers=$(jq -c --arg n "orderer$i" --arg h "$(orderer_host "$i")" --arg a "$(orderer_host "$i"):$(orderer_port "$i")" \
      --arg admin "$(orderer_host "$i"):$(orderer_admin_port "$i")" --arg ca "$(orderer_tls_ca)" \
      '. + [{name: $n, host: $h, address: $a, adminAddress: $admin, tlsCACert: $ca}]' <<<"$orderers")
  done
  for m in "${MALLS[@]}"; do
    d=$(mall_domain "$m")
    orgs=$(jq -c --arg msp "$(mall_msp "$m")" --arg name "Mall$m" --arg d "$d" --arg h "$(mall_peer_host "$m")" \
      --arg a "$(mall_peer_host "$m"):$(mall_peer_port "$m")" --arg ops "$(mall_peer_host "$m"):$(($(mall_peer_port "$m") + 2))" \
      --arg ca "$(mall_tls_ca "$m")" --arg admin "$(mall_user_msp "$m" Admin)" --arg client "$(mall_user_msp "$m" User1)" \
      '. + {($msp): {name: $name, mspId: $msp, domain: $d, peers: [{name: "peer0", host: $h, address: $a, operations: $ops, tlsCACert: $ca}], users: {admin: $admin, client: $client}}}' <<<"$orgs")
  done
  local id; id=$(cat "$CC_DIR/package-id")
  jq -n --arg profile "$PROFILE" --argjson base "$PORT_BASE" --arg fv "$FABRIC_VERSION" --arg ch "$CHANNEL" \
    --arg name "$CC_NAME" --arg id "$id" --arg server "$CC_ADDRESS" --argjson orderers "$orderers" --argjson orgs "$orgs" \
    '{profile: $profile, portBase: $base, fabricVersion: $fv, channel: $ch,
      chaincode: {name: $name, version: ($id | split("_")[1]), sequence: ($id | split(":")[0] | split("_")[2] | tonumber), packageId: $id, server: $server},
      orderers: $orderers, orgs: $orgs}' >"$ROOT/network.json"
}

join_orderers
join_peers
ensure_chaincode
first_transaction
write_description
# The middleware images run as the unprivileged `node` user (uid 1000): let it read the
# client identities it signs with (cryptogen writes private keys 0600).
chown -R 1000:1000 "$CRYPTO"/peerOrganizations/*/users
say "ready: $CHANNEL with $(for m in "${MALLS[@]}"; do printf '%s ' "$(mall_msp "$m")"; done); description in $ROOT/network.json"
