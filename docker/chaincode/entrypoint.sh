#!/bin/sh
# Chaincode-as-a-service container: waits for the package ID that fabric-setup writes for
# this chaincode version (an ID is label + digest of the package, known only once it is
# made), then serves it. A file from an older version is not served.
set -eu
id_file=${CHAINCODE_ID_FILE:-/var/mallchain/chaincode/package-id}
name=${CHAINCODE_NAME:-mallchain}
version=$(node -p "require('/opt/chaincode/package.json').version")
deadline=$(($(date +%s) + ${CHAINCODE_WAIT_SECONDS:-900}))
while :; do
  if [ -s "$id_file" ]; then
    id=$(cat "$id_file")
    case "$id" in "${name}_${version}_"*) break ;; esac
  fi
  if [ "$(date +%s)" -ge "$deadline" ]; then
    echo "chaincode: no package ID for ${name} ${version} in ${id_file} (has fabric-setup run?)" >&2
    exit 1
  fi
  sleep 2
done
echo "chaincode: serving ${id} on ${CHAINCODE_ADDRESS:-0.0.0.0:7200}" >&2
exec node /opt/chaincode/node_modules/fabric-shim/cli.js server \
  --chaincode-address "${CHAINCODE_ADDRESS:-0.0.0.0:7200}" --chaincode-id "$id" --module-path /opt/chaincode
