#!/usr/bin/env bash
# Starts (up) or stops (down) one middleware per mall of the running network, each with its
# own Postgres database, as background processes whose pid and log files sit beside the
# network's (MALLCHAIN_HOME/run, MALLCHAIN_HOME/logs), so `network down` stops them too.
#
#   bash scripts/middleware.sh up | down | purge   (purge also drops their databases)
# Settings: MALLCHAIN_HOME / MALLCHAIN_PORT_BASE as for the network; PGHOST (127.0.0.1),
# PGPORT (5432), PGUSER (postgres).
set -euo pipefail
cd "$(dirname "$0")/.."

home=$(node -e 'console.log(require("./fabric-network/dist").settingsFromEnv().home)')
base=$(node -e 'console.log(require("./fabric-network/dist").settingsFromEnv().portBase)')
network_file="$home/network.json"
# Databases are named per port base, so that two systems can run side by side.
db_prefix=mallchain_
[[ "$base" == 7000 ]] || db_prefix="mallchain_p${base}_"
pg="postgres://${PGUSER:-postgres}@${PGHOST:-127.0.0.1}:${PGPORT:-5432}"

say() { printf '[middleware] %s\n' "$*" >&2; }
die() { printf '[middleware] ERROR: %s\n' "$*" >&2; exit 1; }

# One line per mall: "<MSP ID> <peer address> <index>"
malls() {
  node -e '
    const d = require(process.argv[1]);
    Object.values(d.orgs).forEach((o, i) => console.log(`${o.mspId} ${o.peers[0].address} ${i}`));
  ' "$network_file"
}

ensure_db() {
  node -e '
    const { Client } = require("pg");
    (async () => {
      const c = new Client({ connectionString: process.argv[1] + "/postgres" });
      await c.connect();
      const r = await c.query("select 1 from pg_database where datname = $1", [process.argv[2]]);
      if (r.rowCount === 0) await c.query(`create database "${process.argv[2]}"`);
      await c.end();
    })().catch((e) => { console.error(`cannot reach Postgres at ${process.argv[1]}: ${e.message}`); process.exit(1); });
  ' "$pg" "$1"
}

# The mall's keys for partner secrets and members' personal data: made once (0600), kept across restarts,
# since a new key would leave what is sealed under the old one unreadable.
secrets() {
  [[ -f "$1" ]] && return
  (umask 077 && printf 'PARTNER_SECRET_KEY=%s\nMEMBER_DATA_KEY=%s\n' \
    "$(node -e 'console.log(require("crypto").randomBytes(32).toString("base64"))')" \
    "$(node -e 'console.log(require("crypto").randomBytes(32).toString("base64"))')" > "$1")
}

# First use in one step: an API key for integrators (and the console) and Haide credentials for the POS simulator, made once per mall
# (database only, through the CLI, with the environment the middleware itself runs with) and printed on every `up`.
first_use() {
  local msp=$1 slug=$2 url=$3 file=$4 org
  org=$(echo "${msp%MSP}" | sed 's/^Mall/MALL-/')
  if [[ ! -f "$file" ]]; then
    local key partner
    key=$(node middleware/dist/cli.js apikey create --mall "$msp" --name first-use \
      --scopes points:read,points:write,pos:write,intake:read,notes:write,notes:read,webhooks,keys:admin,ops:admin,consortium:admin,devices:write,stats:read)
    partner=$(node middleware/dist/cli.js partner create --kind haide --org "$org" --name pos-simulator)
    (umask 077 && node -e '
      const [key, partner, url, org] = process.argv.slice(1);
      const k = JSON.parse(key), p = JSON.parse(partner);
      console.log(`  url      ${url}`);
      console.log(`  api key  ${k.key}   (X-Api-Key; scopes ${k.scopes.join(",")})`);
      console.log(`  console  ${url}/console/   (sign in with the api key)`);
      console.log(`  haide    appId ${p.appId}  secret ${p.secret}  orgCode ${org}`);
      console.log(`  pos      npm run pos -w middleware -- push --url ${url} --app-id ${p.appId} --secret ${p.secret} --org ${org}`);
    ' "$key" "$partner" "$url" "$org" > "$file")
  fi
  say "$msp first use (kept in $file):"
  cat "$file" >&2
}

up() {
  [[ -f "$network_file" ]] || die "no network description at $network_file: start the network first (npm run network -- up)"
  [[ -f middleware/dist/main.js ]] || die "the middleware is not built: run npm run build"
  mkdir -p "$home/run" "$home/logs"
  while read -r msp peer index; do
    slug=$(echo "${msp%MSP}" | sed 's/^Mall/mall-/' | tr 'A-Z' 'a-z')
    db="${db_prefix}${slug//-/_}"
    port=$((base + 300 + 10 * index))
    pidfile="$home/run/middleware-$slug.pid"
    log="$home/logs/middleware-$slug.log"
    if [[ -f "$pidfile" ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
      say "$msp middleware already running (pid $(cat "$pidfile")) on http://127.0.0.1:$port"
      continue
    fi
    ensure_db "$db"
    secrets "$home/run/middleware-$slug.keys"
    # shellcheck disable=SC1090
    source "$home/run/middleware-$slug.keys"
    export MALL_MSP_ID="$msp" DATABASE_URL="$pg/$db" LEDGER_NETWORK_FILE="$network_file" LEDGER_PEER_ENDPOINT="$peer" \
      LEDGER_CHANNEL="$(node -p "require('$network_file').channel")" LEDGER_CHAINCODE=mallchain \
      LEDGER_USER="${MIDDLEWARE_LEDGER_USER:-admin}" PARTNER_SECRET_KEY MEMBER_DATA_KEY
    HOST=127.0.0.1 PORT="$port" MIGRATIONS_RUN=true \
      setsid node middleware/dist/main.js >>"$log" 2>&1 < /dev/null &
    echo $! > "$pidfile"
    for _ in $(seq 1 60); do
      curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break
      kill -0 "$(cat "$pidfile")" 2>/dev/null || die "$msp middleware exited during start-up; see $log"
      sleep 1
    done
    curl -fsS "http://127.0.0.1:$port/health" >/dev/null || die "$msp middleware did not become healthy; see $log"
    say "$msp middleware on http://127.0.0.1:$port (OpenAPI at /docs, database $db, log $log)"
    first_use "$msp" "$slug" "http://127.0.0.1:$port" "$home/run/credentials-$slug.txt"
  done < <(malls)
}

down() {
  shopt -s nullglob
  for pidfile in "$home"/run/middleware-*.pid; do
    pid=$(cat "$pidfile")
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
      kill -KILL -- "-$pid" 2>/dev/null || true
      say "stopped $(basename "$pidfile" .pid)"
    fi
    rm -f "$pidfile"
  done
}

# Drops the middlewares' databases: their read models and checkpoints describe a ledger that
# `network down --purge` deletes, so they go with it.
purge() {
  down
  node -e '
    const { Client } = require("pg");
    (async () => {
      const c = new Client({ connectionString: process.argv[1] + "/postgres" });
      await c.connect();
      const prefix = process.argv[2].replace(/_/g, "\\_");
      const r = await c.query("select datname from pg_database where datname like $1", [prefix + "mall\\_%"]);
      for (const { datname } of r.rows) {
        await c.query(`drop database "${datname}" with (force)`);
        console.error(`[middleware] dropped database ${datname}`);
      }
      await c.end();
    })().catch((e) => { console.error(`cannot reach Postgres at ${process.argv[1]}: ${e.message}`); process.exit(1); });
  ' "$pg" "$db_prefix"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  purge) purge ;;
  *) echo "usage: $0 up|down|purge" >&2; exit 2 ;;
esac
