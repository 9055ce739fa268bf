# Shared by init.sh and setup.sh (sourced): the container topology and small helpers.
# Ports follow fabric-network/src/topology.ts with the default port base (7000).
# shellcheck shell=bash

ROOT=${MALLCHAIN_ROOT:-/var/mallchain}
CRYPTO="$ROOT/crypto"
ARTIFACTS="$ROOT/artifacts"
SCRIPTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CHANNEL=${MALLCHAIN_CHANNEL:-mallchannel}
PORT_BASE=${MALLCHAIN_PORT_BASE:-7000}
FABRIC_VERSION=${FABRIC_VERSION:-3.1.1}
ORDERER_DOMAIN=mallchain.example.com
MALLS=(A B)

say() { printf '[%s] %s\n' "$(basename "$0" .sh)" "$*" >&2; }
die() { printf '[%s] ERROR: %s\n' "$(basename "$0" .sh)" "$*" >&2; exit 1; }

# COMPOSE_PROFILES is a comma-separated list; the network is ha when it names `ha`.
case ",${MALLCHAIN_PROFILE:-dev}," in
  *,ha,*) PROFILE=ha; ORDERERS=(0 1 2); CONFIGTX_PROFILE=MallChannelHA ;;
  *) PROFILE=dev; ORDERERS=(0); CONFIGTX_PROFILE=MallChannel ;;
esac

orderer_host() { echo "orderer$1.$ORDERER_DOMAIN"; }
orderer_port() { echo $((PORT_BASE + 50 + $1)); }
orderer_admin_port() { echo $((PORT_BASE + 60 + $1)); }
orderer_tls_ca() { echo "$CRYPTO/ordererOrganizations/$ORDERER_DOMAIN/tlsca/tlsca.$ORDERER_DOMAIN-cert.pem"; }

mall_index() { case "$1" in A) echo 0 ;; B) echo 1 ;; *) die "unknown mall $1" ;; esac; }
mall_msp() { echo "Mall$1MSP"; }
mall_domain() { echo "mall-$(tr '[:upper:]' '[:lower:]' <<<"$1").example.com"; }
mall_peer_host() { echo "peer0.$(mall_domain "$1")"; }
mall_peer_port() { echo $((PORT_BASE + 100 + $(mall_index "$1") * 10 + 1)); }
mall_tls_ca() { local d; d=$(mall_domain "$1"); echo "$CRYPTO/peerOrganizations/$d/tlsca/tlsca.$d-cert.pem"; }
mall_user_msp() { local d; d=$(mall_domain "$1"); echo "$CRYPTO/peerOrganizations/$d/users/$2@$d/msp"; }

# Runs the peer CLI as a mall's admin against that mall's peer.
as_admin() {
  local mall=$1; shift
  CORE_PEER_LOCALMSPID=$(mall_msp "$mall") \
  CORE_PEER_MSPCONFIGPATH=$(mall_user_msp "$mall" Admin) \
  CORE_PEER_ADDRESS="$(mall_peer_host "$mall"):$(mall_peer_port "$mall")" \
  CORE_PEER_TLS_ENABLED=true \
  CORE_PEER_TLS_ROOTCERT_FILE=$(mall_tls_ca "$mall") \
  FABRIC_LOGGING_SPEC=WARNING \
    "$@"
}

orderer_args() {
  echo "-o $(orderer_host 0):$(orderer_port 0) --tls --cafile $(orderer_tls_ca)"
}

# retry SECONDS COMMAND...: repeats a command every 2 s until it succeeds or time runs out.
retry() {
  local seconds=$1; shift
  local deadline=$((SECONDS + seconds))
  until "$@"; do
    ((SECONDS < deadline)) || return 1
    sleep 2
  done
}

is_fabric3() { [[ "$FABRIC_VERSION" == 3.* ]]; }
