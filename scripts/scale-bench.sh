#!/usr/bin/env bash
# Scale run (not part of npm test): N concurrent syncs against the simulator with 1 and 2 worker processes,
# on (a) the Temporal dev server and (b) with --postgres, a real Temporal server (built from the Go module
# proxy) on PostgreSQL (Debian's), both started here and stopped on exit.
#   bash scripts/scale-bench.sh [--syncs 100,1000] [--workers 1,2] [--postgres] [--no-dev] [--tuning JSON] [--burst-priority 4]
#     [--worker-node-options '--max-old-space-size=160'] (NODE_OPTIONS of the worker processes)
set -euo pipefail
cd "$(dirname "$0")/.."
SYNCS=100,1000 WORKERS=1,2 POSTGRES=0 DEV=1 TUNING='{}' BURST_PRIORITY=4 NODE_OPTS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --syncs) SYNCS=$2; shift ;;
    --workers) WORKERS=$2; shift ;;
    --postgres) POSTGRES=1 ;;
    --no-dev) DEV=0 ;;
    --tuning) TUNING=$2; shift ;;
    --burst-priority) BURST_PRIORITY=$2; shift ;;
    --worker-node-options) NODE_OPTS=("--worker-node-options=$2"); shift ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
TEMPORAL_VERSION=v1.32.2
export GOTOOLCHAIN=${GOTOOLCHAIN:-go1.27.3}
BIN=${LST_TEMPORAL_BIN:-$HOME/.cache/label-studio-temporal/temporal-server-$TEMPORAL_VERSION}
bash scripts/install.sh >/dev/null

if [ "$DEV" = 1 ]; then
  nice -n 10 npx tsx bench/scale-bench.ts --syncs "$SYNCS" --workers "$WORKERS" --tuning "$TUNING" --burst-priority "$BURST_PRIORITY" "${NODE_OPTS[@]}"
fi
[ "$POSTGRES" = 1 ] || exit 0

# The server and its SQL tool, from the same module (about 10 minutes on 2 cores the first time).
if [ ! -x "$BIN/server" ] || [ ! -x "$BIN/sql" ]; then
  mkdir -p "$BIN"
  GOBIN=$BIN nice -n 10 go install "go.temporal.io/server/cmd/server@$TEMPORAL_VERSION" "go.temporal.io/server/cmd/tools/sql@$TEMPORAL_VERSION"
fi
MOD=$(go env GOMODCACHE)/go.temporal.io/server@$TEMPORAL_VERSION
command -v pg_ctl >/dev/null || { echo "PostgreSQL is missing: apt-get install -y postgresql" >&2; exit 1; }
PG_BIN=$(dirname "$(readlink -f "$(command -v pg_ctl)")")

WORK=$(mktemp -d /tmp/lst-scale-XXXXXX)
chmod 755 "$WORK"
PG_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
FE_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
AS_PG=()
[ "$(id -u)" = 0 ] && { chown postgres "$WORK"; AS_PG=(runuser -u postgres --); }  # PostgreSQL refuses to run as root
SERVER_PID=
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
  "${AS_PG[@]}" "$PG_BIN/pg_ctl" -D "$WORK/pg" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

"${AS_PG[@]}" "$PG_BIN/initdb" -D "$WORK/pg" -U postgres --auth=trust >/dev/null
"${AS_PG[@]}" "$PG_BIN/pg_ctl" -D "$WORK/pg" -o "-p $PG_PORT -k $WORK -c listen_addresses=127.0.0.1 -c max_connections=200" -l "$WORK/pg.log" -w start >/dev/null
psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc "CREATE USER temporal WITH PASSWORD 'temporal' CREATEDB"
SQL=("$BIN/sql" --plugin postgres12 --ep 127.0.0.1 -p "$PG_PORT" -u temporal --pw temporal)
for db in temporal temporal_visibility; do
  schema=$([ "$db" = temporal ] && echo temporal || echo visibility)
  "${SQL[@]}" --db "$db" create-database >/dev/null
  "${SQL[@]}" --db "$db" setup-schema -v 0.0 >/dev/null
  "${SQL[@]}" --db "$db" update-schema -d "$MOD/schema/postgresql/v12/$schema/versioned" >/dev/null 2>&1
done

# The module's development-postgres12 config on free ports; 4 history shards as there. Its dynamic config
# with the priority matcher and fairness on, as deploy/docker-compose.yml runs it.
cat "$MOD/config/dynamicconfig/development-sql.yaml" deploy/temporal/dynamicconfig.yaml > "$WORK/dynamicconfig.yaml"
sed -e "s/127.0.0.1:5432/127.0.0.1:$PG_PORT/" -e "s/grpcPort: 7233/grpcPort: $FE_PORT/" -e "s/localhost:7233/127.0.0.1:$FE_PORT/" \
  -e "s/httpPort: 7243/httpPort: 0/" -e "s#config/dynamicconfig/development-sql.yaml#$WORK/dynamicconfig.yaml#" \
  -e 's/level: info/level: error/' -e '/pprof:/,/port: 7936/d' -e 's/listenAddress: "127.0.0.1:8000"/listenAddress: "127.0.0.1:0"/' \
  "$MOD/config/development-postgres12.yaml" > "$WORK/temporal.yaml"
nice -n 5 "$BIN/server" --config-file "$WORK/temporal.yaml" --allow-no-auth start > "$WORK/server.log" 2>&1 &
SERVER_PID=$!
TEMPORAL=$(npx tsx -e 'import { findTemporalCli } from "./src/local/temporal-cli"; findTemporalCli().then((p) => console.log(p));')
for _ in $(seq 1 120); do
  "$TEMPORAL" operator cluster health --address "127.0.0.1:$FE_PORT" >/dev/null 2>&1 && break
  kill -0 "$SERVER_PID" 2>/dev/null || { tail -20 "$WORK/server.log" >&2; exit 1; }
  sleep 1
done
"$TEMPORAL" operator namespace create --address "127.0.0.1:$FE_PORT" --retention 24h default >/dev/null
# startStorageSync sets the package's search attributes at start, as it does for users.
npx tsx -e 'import { SEARCH_ATTRIBUTE_DEFINITIONS as d } from "./src/workflows/search-attributes"; for (const [n, t] of Object.entries(d)) console.log(n, t);' |
  while read -r name type; do
    "$TEMPORAL" operator search-attribute create --address "127.0.0.1:$FE_PORT" --namespace default --name "$name" --type "$type" >/dev/null
  done
sleep 12 # the namespace reaches every service's cache
nice -n 10 npx tsx bench/scale-bench.ts --syncs "$SYNCS" --workers "$WORKERS" --tuning "$TUNING" --burst-priority "$BURST_PRIORITY" "${NODE_OPTS[@]}" --address "127.0.0.1:$FE_PORT" \
  --server-match "$BIN/server,postgres: temporal,$WORK/pg" --label "Temporal $TEMPORAL_VERSION + PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}')"
