#!/usr/bin/env bash
# The whole test suite: install, lint, unit tests, then the integration and end-to-end tests
# against a real Fabric network and the real Postgres. A network that is already running
# (same MALLCHAIN_* settings) is reused and left running; one started here is stopped at the end.
#
# Every phase runs under a generous time limit of its own, inside one budget for the whole run (MALLCHAIN_TEST_BUDGET_S,
# default 80 minutes, below CI's 90): a phase that hangs is reported with the process tree, seen
# while it still hangs, and then stopped, so the run fails where it is stuck instead of running into
# CI's limit. At the end every process this run started and left behind is listed and killed: none
# may keep the caller's stdout open after the run (a CI runner waits for it).
set -euo pipefail
cd "$(dirname "$0")/.."

T0=$SECONDS
BUDGET=${MALLCHAIN_TEST_BUDGET_S:-4800}
# A marker of this run only (never inherited: the caller and its other children must not carry it).
export MALLCHAIN_TEST_RUN="$$-$(date +%s%N)"

stamp() { printf '%s +%dm%02ds' "$(date -u +%H:%M:%S)" $(((SECONDS - T0) / 60)) $(((SECONDS - T0) % 60)); }
step() { printf '\n=== %s  [%s] ===\n' "$*" "$(stamp)"; }

# Processes that carry this run's marker (every process started below inherits it) and are still alive.
leftovers=()
find_leftovers() {
  local e p
  leftovers=()
  for e in /proc/[0-9]*/environ; do
    p=${e#/proc/}
    p=${p%/environ}
    [[ $p == "$$" ]] && continue
    if grep -qxzF "MALLCHAIN_TEST_RUN=$MALLCHAIN_TEST_RUN" "$e" 2>/dev/null; then leftovers+=("$p"); fi
  done
}

# What is running, for a phase that overstays: this run's processes as a tree, the load and the memory.
diagnose() {
  echo "--- load: $(cut -d' ' -f1-3 /proc/loadavg); memory: $(free -m | awk '/^Mem/ {print $3 " MiB used of " $2}')"
  echo "--- this run's processes (pid ppid elapsed-s cpu% rss-KiB command)"
  find_leftovers
  ps -o pid,ppid,stat,wchan:22,etimes,pcpu,rss,args --forest -p "$(IFS=,; echo "${leftovers[*]}")" | cut -c1-240
  # Where each idle process waits: its blocked system call and what its standard streams are.
  local p
  for p in "${leftovers[@]}"; do
    [[ -r /proc/$p/syscall ]] || continue
    printf -- '--- %s: syscall %s; fd 0/1/2: %s %s %s\n' "$p" "$(cut -d' ' -f1-3 "/proc/$p/syscall" 2>/dev/null)" \
      "$(readlink "/proc/$p/fd/0" 2>/dev/null)" "$(readlink "/proc/$p/fd/1" 2>/dev/null)" \
      "$(readlink "/proc/$p/fd/2" 2>/dev/null)"
  done
}

# bounded LIMIT NAME COMMAND...: COMMAND with at most LIMIT seconds and never past the run's budget.
bounded() {
  local limit=$1 name=$2
  shift 2
  local left=$((BUDGET - (SECONDS - T0)))
  ((limit > left)) && limit=$left
  ((limit < 30)) && limit=30
  (
    trap 'kill "$nap" 2>/dev/null; exit 0' TERM
    sleep $((limit - 10)) </dev/null >/dev/null 2>&1 &
    nap=$!
    wait "$nap"
    {
      echo
      echo "[watchdog $(stamp)] $name is still running after $((limit - 10)) s of its $limit s: stopping it"
      diagnose
    } >&2
  ) &
  local watcher=$! rc=0
  timeout --kill-after=20 "$limit" "$@" </dev/null || rc=$?
  kill "$watcher" 2>/dev/null || true
  wait "$watcher" 2>/dev/null || true
  if ((rc == 124 || rc == 137)); then
    echo "[watchdog $(stamp)] $name stopped: it did not finish within $limit s" >&2
  fi
  return "$rc"
}

started_here=0
cleanup() {
  local rc=$?
  if [[ $started_here == 1 ]]; then
    timeout 120 node fabric-network/dist/cli/main.js down || true
  fi
  find_leftovers
  if ((${#leftovers[@]} > 0)); then
    echo "[cleanup $(stamp)] processes this run started and left running (stopped now):" >&2
    ps -o pid,ppid,etimes,args -p "$(IFS=,; echo "${leftovers[*]}")" 2>/dev/null | cut -c1-240 >&2 || true
    kill -KILL "${leftovers[@]}" 2>/dev/null || true
  fi
  step "done: exit $rc"
  exit "$rc"
}
trap cleanup EXIT

step "install and build"
bounded 3600 "install and build" bash scripts/bootstrap.sh

step "the dev network, and the settlement e2e started beside lint and the unit tests"
if ! node -e 'const {Network,settingsFromEnv}=require("./fabric-network/dist");process.exit(new Network(settingsFromEnv(),()=>{}).isRunning()?0:1)'; then
  started_here=1
fi
bounded 900 "network up" node fabric-network/dist/cli/main.js up
# The settlement e2e books a few entries, then waits out the chaincode's 30-minute settlement lag in real time (it
# mostly sleeps): started now, on the shared dev network, it no longer sets the run's length.
settlement_log=$(mktemp -t mallchain-settlement-XXXXXX.log)
bounded 2700 "the settlement e2e" npm run test:e2e:settlement -w middleware >"$settlement_log" 2>&1 </dev/null &
settlement_pid=$!

step "lint"
bounded 1800 "lint" npm run lint

step "unit tests"
bounded 1500 "unit tests" npm run test:unit

step "end-to-end tests (real Fabric network, real Postgres)"

# The outage test (a peer stopped for 20 minutes on a network of its own) and the partition test
# (three malls in network namespaces, one cut off for 3 minutes, then faults on the links) mostly
# wait: they run beside the rest, each on a network of its own.
outage_log=$(mktemp -t mallchain-outage-XXXXXX.log)
bounded 4800 "the outage e2e" npm run test:e2e:outage -w middleware >"$outage_log" 2>&1 </dev/null &
outage_pid=$!
partition_log=$(mktemp -t mallchain-partition-XXXXXX.log)
bounded 4800 "the partition e2e" npm run test:e2e:partition -w middleware >"$partition_log" 2>&1 </dev/null &
partition_pid=$!
e2e_status=0
bounded 4800 "end-to-end tests" npm run test:e2e || e2e_status=$?

step "end-to-end: malls on separate hosts, one cut off, then faults on the links (ran beside the others)"
partition_status=0
wait "$partition_pid" || partition_status=$?
cat "$partition_log"
rm -f "$partition_log"

step "end-to-end: a settlement period closed and confirmed by both malls (ran beside the others)"
settlement_status=0
wait "$settlement_pid" || settlement_status=$?
cat "$settlement_log"
rm -f "$settlement_log"

step "end-to-end: Mall B's peer stopped for 20 minutes (ran beside the others)"
outage_status=0
wait "$outage_pid" || outage_status=$?
cat "$outage_log"
rm -f "$outage_log"
(( e2e_status == 0 && partition_status == 0 && outage_status == 0 && settlement_status == 0 ))
