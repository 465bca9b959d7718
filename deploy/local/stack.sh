#!/usr/bin/env bash
# The local stack: Kafka (KRaft, from Maven Central jars), ClickHouse (Debian), Redis, Tandem's schema
# registry, and PostgreSQL / MariaDB set up for change data capture. Each part runs on loopback with
# its state under one folder ($TANDEM_STATE_DIR, default <repo>/.tandem).
#
#   stack.sh up       install what is missing, start what is not running, wait, print endpoints
#   stack.sh up --redis-cluster   the same plus a Redis Cluster (deploy/local/redis-cluster.sh)
#   stack.sh up --cluster         the same plus the cluster profile: a 3-node KRaft Kafka, a second
#                     schema registry on it, the Redis Cluster, and $state/cluster.env for the roles
#   stack.sh down     stop what `up` started (never the machine's own PostgreSQL, MariaDB or Redis)
#   stack.sh status   each part up/down with its address
#
# `up` is idempotent: when everything already answers it only checks, and returns in seconds; a
# cluster node that is down (killed by a test) is started again.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
# shellcheck source=deploy/local/lib.sh
source "$here/lib.sh"

state="${TANDEM_STATE_DIR:-$repo/.tandem}"
mkdir -p "$state/run" "$state/log"
state="$(cd "$state" && pwd)"

KAFKA_VERSION="${TANDEM_KAFKA_VERSION:-3.9.1}"
KAFKA_PORT="${TANDEM_KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${TANDEM_KAFKA_CONTROLLER_PORT:-9093}"
KAFKA_HEAP="${TANDEM_KAFKA_HEAP:-1g}"
CH_HTTP_PORT="${TANDEM_CLICKHOUSE_HTTP_PORT:-8123}"
CH_TCP_PORT="${TANDEM_CLICKHOUSE_TCP_PORT:-9000}"
REGISTRY_PORT="${TANDEM_REGISTRY_PORT:-8081}"
REDIS_URL="${TANDEM_REDIS_URL:-redis://127.0.0.1:6379}"
# With cluster.env sourced, TANDEM_REDIS_URL names the Redis Cluster: the plain Redis is the default.
if [[ "$REDIS_URL" == *,* || "$REDIS_URL" == *-cluster://* ]]; then REDIS_URL=redis://127.0.0.1:6379; fi
REDIS_PORT="$(url_port "$REDIS_URL" 6379)"
PG_PORT="${TANDEM_POSTGRES_PORT:-5432}"
MYSQL_PORT="${TANDEM_MYSQL_PORT:-3306}"
# The cluster profile: Kafka nodes 1..3 on three consecutive ports (controllers 100 above them).
CLUSTER_KAFKA_PORT="${TANDEM_CLUSTER_KAFKA_PORT:-19092}"
CLUSTER_KAFKA_HEAP="${TANDEM_CLUSTER_KAFKA_HEAP:-384m}"
CLUSTER_REGISTRY_PORT="${TANDEM_CLUSTER_REGISTRY_PORT:-18081}"
REDIS_CLUSTER_PORT="${TANDEM_REDIS_CLUSTER_PORT:-17001}"
CLUSTER_NODES=(1 2 3)
CLUSTER_ENV="$state/cluster.env"

# ---------------------------------------------------------------- PostgreSQL
postgres_up() {
  if ! command -v pg_ctlcluster >/dev/null; then
    apt_install postgresql
  fi
  local version
  version="$(ls /etc/postgresql | sort -V | tail -n 1)"
  if ! port_open 127.0.0.1 "$PG_PORT"; then
    log "postgres: starting cluster $version/main"
    pg_ctlcluster --skip-systemctl-redirect "$version" main start
    wait_port 127.0.0.1 "$PG_PORT" 60 postgres
  fi
  local level
  level="$(pg_sql "SHOW wal_level")"
  if [[ "$level" != "logical" ]]; then
    log "postgres: wal_level is '$level'; setting it to logical and restarting"
    pg_sql "ALTER SYSTEM SET wal_level = logical" >/dev/null
    pg_sql "ALTER SYSTEM SET max_replication_slots = 32" >/dev/null
    pg_sql "ALTER SYSTEM SET max_wal_senders = 32" >/dev/null
    pg_ctlcluster --skip-systemctl-redirect "$version" main restart
    wait_port 127.0.0.1 "$PG_PORT" 60 postgres
    level="$(pg_sql "SHOW wal_level")"
    [[ "$level" == "logical" ]] || die "postgres: wal_level is still '$level' after restart"
  fi
}

pg_sql() {
  psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -XAtqc "$1"
}

# ---------------------------------------------------------------- MariaDB
MYSQL_CNF=/etc/mysql/mariadb.conf.d/60-tandem-cdc.cnf
mysql_up() {
  if ! command -v mariadbd >/dev/null && [[ ! -x /usr/sbin/mariadbd ]]; then
    apt_install mariadb-server
  fi
  if [[ ! -f "$MYSQL_CNF" ]] || ! cmp -s "$here/mariadb-cdc.cnf" "$MYSQL_CNF"; then
    log "mariadb: writing $MYSQL_CNF (row binlog for change data capture)"
    install -D -m 0644 "$here/mariadb-cdc.cnf" "$MYSQL_CNF"
  fi
  # Debian's stock my.cnf includes this folder; a trimmed one may not.
  if [[ -f /etc/mysql/my.cnf ]] && ! grep -Eq '^!includedir /etc/mysql/mariadb.conf.d/?$' /etc/mysql/my.cnf; then
    log "mariadb: adding '!includedir /etc/mysql/mariadb.conf.d/' to /etc/mysql/my.cnf"
    printf '\n!includedir /etc/mysql/mariadb.conf.d/\n' >>/etc/mysql/my.cnf
  fi
  if ! port_open 127.0.0.1 "$MYSQL_PORT"; then
    log "mariadb: starting"
    start_mariadb
  fi
  if [[ "$(mysql_binlog_settings)" != "ON ROW FULL FULL" ]]; then
    log "mariadb: binlog settings are '$(mysql_binlog_settings)'; restarting to apply $MYSQL_CNF"
    mariadb -uroot -h127.0.0.1 -P"$MYSQL_PORT" -e "SHUTDOWN" || true
    wait_port_closed 127.0.0.1 "$MYSQL_PORT" 60
    wait_no_process mariadbd 60
    start_mariadb
    [[ "$(mysql_binlog_settings)" == "ON ROW FULL FULL" ]] ||
      die "mariadb: binlog settings are '$(mysql_binlog_settings)' after restart, want 'ON ROW FULL FULL'"
  fi
}

start_mariadb() {
  mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld 2>/dev/null || true
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
  wait_port 127.0.0.1 "$MYSQL_PORT" 60 mariadb
  local i
  for i in $(seq 1 60); do
    mariadb -uroot -h127.0.0.1 -P"$MYSQL_PORT" -e "SELECT 1" >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  die "mariadb: port $MYSQL_PORT open but queries fail"
}

mysql_binlog_settings() {
  mariadb -uroot -h127.0.0.1 -P"$MYSQL_PORT" -N -B -e \
    "SELECT @@log_bin, @@binlog_format, @@binlog_row_image, @@binlog_row_metadata" 2>/dev/null |
    tr '\t' ' ' | sed 's/^1 /ON /'
}

# ---------------------------------------------------------------- Redis
redis_up() {
  if redis_answers "$REDIS_PORT"; then
    return 0
  fi
  command -v redis-server >/dev/null || apt_install redis-server
  mkdir -p "$state/redis"
  log "redis: starting on 127.0.0.1:$REDIS_PORT with AOF in $state/redis"
  redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" \
    --dir "$state/redis" --appendonly yes --appendfsync everysec --save "" \
    --pidfile "$state/run/redis.pid" --logfile "$state/log/redis.log"
  for _ in $(seq 1 50); do
    redis_answers "$REDIS_PORT" && return 0
    sleep 0.2
  done
  die "redis: did not answer on 127.0.0.1:$REDIS_PORT (see $state/log/redis.log)"
}

redis_answers() {
  [[ "$(redis-cli -h 127.0.0.1 -p "$1" ping 2>/dev/null)" == "PONG" ]]
}

# ---------------------------------------------------------------- Kafka
kafka_up() {
  local dir="$state/kafka" libs
  libs="$(kafka_libs)"
  if port_open 127.0.0.1 "$KAFKA_PORT"; then
    return 0
  fi
  sed -e "s#@DATA@#$dir/data#" -e "s#@PORT@#$KAFKA_PORT#g" \
    -e "s#@CONTROLLER_PORT@#$KAFKA_CONTROLLER_PORT#g" \
    "$here/kafka/server.properties" >"$dir/server.properties"
  if [[ ! -f "$dir/data/meta.properties" ]]; then
    log "kafka: formatting KRaft storage in $dir/data"
    kafka_format "$(kraft_cluster_id)" "$dir/server.properties" "$state/log/kafka-format.log"
  fi
  log "kafka: starting broker on 127.0.0.1:$KAFKA_PORT"
  start_background kafka "$state/log/kafka.log" \
    java "-Xms256m" "-Xmx$KAFKA_HEAP" -XX:+UseG1GC \
    -Dlog4j.configuration="file:$here/kafka/log4j.properties" \
    -cp "$libs/*" kafka.Kafka "$dir/server.properties"
  wait_port 127.0.0.1 "$KAFKA_PORT" 90 kafka "$state/log/kafka.log"
}

# kafka_libs: the folder of Apache Kafka's jars (fetched from Maven Central once), on stdout.
kafka_libs() {
  local libs="$state/kafka/libs-$KAFKA_VERSION"
  mkdir -p "$state/kafka"
  if [[ ! -f "$libs/.complete" ]]; then
    command -v mvn >/dev/null || apt_install maven
    log "kafka: fetching Apache Kafka $KAFKA_VERSION jars from Maven Central"
    rm -rf "$libs"
    mvn -q -B -f "$here/kafka/pom.xml" -Dkafka.version="$KAFKA_VERSION" \
      dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$libs" >"$state/log/kafka-fetch.log" 2>&1 ||
      die "kafka: mvn could not fetch the jars (see $state/log/kafka-fetch.log)"
    touch "$libs/.complete"
  fi
  echo "$libs"
}

# kraft_cluster_id: 16 random bytes in URL-safe base64 (what KRaft wants), never starting with
# '-': the storage tool would read such an id as an option.
kraft_cluster_id() {
  local id
  while :; do
    id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')"
    [[ "$id" == -* ]] || break
  done
  echo "$id"
}

# kafka_format CLUSTER_ID PROPERTIES LOGFILE: formats a node's KRaft storage once.
kafka_format() {
  java -cp "$(kafka_libs)/*" -Dlog4j.configuration="file:$here/kafka/log4j.properties" \
    kafka.tools.StorageTool format --ignore-formatted -t "$1" -c "$2" >"$3" 2>&1 ||
    die "kafka: formatting storage failed (see $3)"
}

# ---------------------------------------------------------------- Kafka cluster (--cluster)
kafka_node_port() { echo $((CLUSTER_KAFKA_PORT + $1 - 1)); }
kafka_node_controller_port() { echo $((CLUSTER_KAFKA_PORT + 100 + $1 - 1)); }

cluster_brokers() {
  local n out=""
  for n in "${CLUSTER_NODES[@]}"; do out+="${out:+,}127.0.0.1:$(kafka_node_port "$n")"; done
  echo "$out"
}

# kafka_cluster_up: starts each node that is down (all three on a first run, after formatting
# them with one shared cluster id), then waits until every node sees all three brokers. A node
# still shutting down when this runs (a test just stopped it) is started again once it is gone.
kafka_cluster_up() {
  local seen deadline=$((SECONDS + 120)) n
  CLUSTER_STARTED=()
  mkdir -p "$state/kafka-cluster"
  while :; do
    for n in "${CLUSTER_STARTED[@]}"; do
      if [[ "$(kafka_node_state "$n")" == stopped ]]; then
        die "kafka-c$n: exited at start; last lines of $state/log/kafka-c$n.log:
$(tail -n 20 "$state/log/kafka-c$n.log" 2>/dev/null)"
      fi
    done
    kafka_cluster_start_stopped
    if ! kafka_cluster_stopping && seen="$(kafka_cluster_brokers_seen)"; then return 0; fi
    ((SECONDS < deadline)) ||
      die "kafka cluster: not all ${#CLUSTER_NODES[@]} brokers registered after 120 s (${seen:-a node is still shutting down}; see $state/log/kafka-c*.log)"
    sleep 0.5
  done
}

# kafka_node_state N: running, stopping (its process is shutting down) or stopped.
kafka_node_state() {
  if pid_alive "kafka-c$1"; then
    if grep -q 'Transition from .* to SHUTTING_DOWN' "$state/log/kafka-c$1.log" 2>/dev/null; then
      echo stopping
    else
      echo running
    fi
  elif port_open 127.0.0.1 "$(kafka_node_port "$1")"; then
    echo running # not started by this script, or its pid file is gone
  else
    echo stopped
  fi
}

kafka_cluster_stopping() {
  local n
  for n in "${CLUSTER_NODES[@]}"; do
    [[ "$(kafka_node_state "$n")" != stopping ]] || return 0
  done
  return 1
}

# kafka_cluster_start_stopped: starts the nodes that are not running, adding them to
# CLUSTER_STARTED.
kafka_cluster_start_stopped() {
  local libs dir="$state/kafka-cluster" n
  local -a stopped=()
  for n in "${CLUSTER_NODES[@]}"; do
    [[ "$(kafka_node_state "$n")" != stopped ]] || stopped+=("$n")
  done
  ((${#stopped[@]})) || return 0
  libs="$(kafka_libs)"
  FORMAT_PIDS=()
  for n in "${stopped[@]}"; do kafka_node_prepare "$n" "$(kafka_cluster_id)"; done
  # The nodes' storage formatting runs in parallel. Only those jobs are waited for: a bare
  # `wait` would also wait for every part this run started (Kafka, ClickHouse…), for ever.
  ((${#FORMAT_PIDS[@]} == 0)) || wait "${FORMAT_PIDS[@]}" || true
  for n in "${stopped[@]}"; do
    [[ -f "$dir/node$n/data/meta.properties" ]] ||
      die "kafka-c$n: formatting storage failed (see $state/log/kafka-c$n-format.log)"
    log "kafka-c$n: starting node $n on 127.0.0.1:$(kafka_node_port "$n")"
    start_background "kafka-c$n" "$state/log/kafka-c$n.log" \
      java -Xms128m "-Xmx$CLUSTER_KAFKA_HEAP" -XX:+UseG1GC \
      -Dlog4j.configuration="file:$here/kafka/log4j.properties" \
      -cp "$libs/*" kafka.Kafka "$dir/node$n/server.properties"
    CLUSTER_STARTED+=("$n")
  done
}

# kafka_cluster_id: the cluster's id, chosen once and kept in the state folder.
kafka_cluster_id() {
  local file="$state/kafka-cluster/cluster.id" formatted
  if [[ ! -s "$file" ]]; then
    # A node formatted before the file was lost keeps its id: the others must share it.
    formatted="$(cat "$state"/kafka-cluster/node*/data/meta.properties 2>/dev/null | sed -n 's/^cluster\.id=//p' | head -n 1)"
    echo "${formatted:-$(kraft_cluster_id)}" >"$file"
  fi
  cat "$file"
}

# kafka_node_prepare N CLUSTER_ID: writes node N's server.properties and formats its storage
# (in the background) when it never was.
kafka_node_prepare() {
  local n="$1" node="$state/kafka-cluster/node$1" voters="" v
  for v in "${CLUSTER_NODES[@]}"; do voters+="${voters:+,}$v@127.0.0.1:$(kafka_node_controller_port "$v")"; done
  mkdir -p "$node"
  sed -e "s#@DATA@#$node/data#" -e "s#@NODE_ID@#$n#" -e "s#@VOTERS@#$voters#" \
    -e "s#@PORT@#$(kafka_node_port "$n")#g" \
    -e "s#@CONTROLLER_PORT@#$(kafka_node_controller_port "$n")#g" \
    "$here/kafka/server-cluster.properties" >"$node/server.properties"
  if [[ ! -f "$node/data/meta.properties" ]]; then
    log "kafka-c$n: formatting KRaft storage in $node/data"
    kafka_format "$2" "$node/server.properties" "$state/log/kafka-c$n-format.log" &
    FORMAT_PIDS+=("$!")
  fi
}

# kafka_cluster_brokers_seen: succeeds when every node answers a metadata request listing all
# the brokers (so the controller quorum has formed and each broker has registered with it);
# otherwise says what each node sees.
kafka_cluster_brokers_seen() {
  (cd "$repo" && CLUSTER_BROKERS="$(cluster_brokers)" WANT="${#CLUSTER_NODES[@]}" node -e '
    const { Kafka, logLevel } = require("kafkajs");
    async function brokersSeenBy(address) {
      const admin = new Kafka({ brokers: [address], logLevel: logLevel.NOTHING,
        connectionTimeout: 1000, requestTimeout: 2000, retry: { retries: 0 } }).admin();
      try {
        await admin.connect();
        return (await admin.describeCluster()).brokers.length;
      } catch (err) {
        return err.message;
      } finally {
        await admin.disconnect().catch(() => {});
      }
    }
    Promise.all(process.env.CLUSTER_BROKERS.split(",").map(brokersSeenBy)).then((seen) => {
      if (seen.every((n) => n === Number(process.env.WANT))) return;
      console.log(seen.map((n, i) => `node ${i + 1}: ${typeof n === "number" ? `${n} brokers` : n}`).join("; "));
      process.exitCode = 1;
    });
  ' 2>&1)
}

kafka_cluster_down() {
  local n names=()
  for n in "${CLUSTER_NODES[@]}"; do names+=("kafka-c$n"); done
  stop_backgrounds "${names[@]}"
}

# ---------------------------------------------------------------- Redis Cluster (--cluster, --redis-cluster)
# Built and run by deploy/local/redis-cluster.sh (its own up|down|status), with this state folder.
redis_cluster() {
  [[ -f "$here/redis-cluster.sh" ]] || die "redis cluster: $here/redis-cluster.sh is missing"
  TANDEM_STATE_DIR="$state" TANDEM_REDIS_CLUSTER_PORT="$REDIS_CLUSTER_PORT" bash "$here/redis-cluster.sh" "$1"
}

redis_cluster_seeds() {
  echo "127.0.0.1:$REDIS_CLUSTER_PORT,127.0.0.1:$((REDIS_CLUSTER_PORT + 1)),127.0.0.1:$((REDIS_CLUSTER_PORT + 2))"
}

# ---------------------------------------------------------------- ClickHouse
clickhouse_up() {
  if ch_answers; then
    return 0
  fi
  [[ -x /usr/bin/clickhouse-server || -x /usr/sbin/clickhouse-server ]] ||
    apt_install clickhouse-server clickhouse-client
  local dir="$state/clickhouse" bin
  bin="$(command -v clickhouse-server || echo /usr/sbin/clickhouse-server)"
  mkdir -p "$dir/data" "$dir/log" "$dir/conf"
  # Debian's config, with every path moved under the state folder and the ports ours.
  sed -e "s#/var/lib/clickhouse/#$dir/data/#g" -e "s#/var/log/clickhouse-server/#$dir/log/#g" \
    -e "s#<http_port>8123</http_port>#<http_port>$CH_HTTP_PORT</http_port>#" \
    -e "s#<tcp_port>9000</tcp_port>#<tcp_port>$CH_TCP_PORT</tcp_port>#" \
    -e "s#<listen_host>::1</listen_host>##" \
    -e "s#<interserver_http_port>9009</interserver_http_port>##" \
    /etc/clickhouse-server/config.xml >"$dir/conf/config.xml"
  cp /etc/clickhouse-server/users.xml "$dir/conf/users.xml"
  # Run as the package's own user where it can reach the state folder (a checkout under a
  # private home folder is not reachable); as root otherwise, which 18.16 allows.
  local -a as_user=()
  if id clickhouse >/dev/null 2>&1; then
    chown -R clickhouse: "$dir"
    chmod o+x "$state"
    if runuser -u clickhouse -- test -w "$dir/data"; then as_user=(runuser -u clickhouse --); fi
  fi
  log "clickhouse: starting on 127.0.0.1:$CH_HTTP_PORT (data in $dir/data)"
  start_background clickhouse "$dir/log/stdout.log" \
    "${as_user[@]}" "$bin" --config-file="$dir/conf/config.xml"
  local i
  for i in $(seq 1 120); do
    ch_answers && return 0
    sleep 0.5
  done
  die "clickhouse: did not answer on 127.0.0.1:$CH_HTTP_PORT (see $dir/log/)"
}

ch_answers() {
  [[ "$(curl -fsS --max-time 2 "http://127.0.0.1:$CH_HTTP_PORT/ping" 2>/dev/null)" == "Ok." ]]
}

# ---------------------------------------------------------------- schema registry
registry_up() {
  registry_start registry "$REGISTRY_PORT" "127.0.0.1:$KAFKA_PORT" 1
}

# The cluster profile's registry: its topic replicated on the three brokers.
registry_cluster_up() {
  registry_start registry-cluster "$CLUSTER_REGISTRY_PORT" "$(cluster_brokers)" 3 \
    TANDEM_TOPIC_MIN_INSYNC_REPLICAS=2
}

# registry_start NAME PORT BROKERS REPLICATION_FACTOR [VAR=VALUE...]: `tandem registry` on
# 127.0.0.1:PORT over those brokers, unless something answers there already.
registry_start() {
  local name="$1" port="$2" brokers="$3" rf="$4"
  shift 4
  if registry_answers "$port"; then
    return 0
  fi
  log "$name: starting Tandem's schema registry on 127.0.0.1:$port"
  # Exported to the registry only: they end with this function.
  local -x TANDEM_KAFKA_BROKERS="$brokers" TANDEM_REGISTRY_PORT="$port" \
    TANDEM_REGISTRY_HOST=127.0.0.1 TANDEM_TOPIC_REPLICATION_FACTOR="$rf" "$@"
  start_background "$name" "$state/log/$name.log" "$repo/bin/tandem" registry
  local i
  for i in $(seq 1 120); do
    registry_answers "$port" && return 0
    pid_alive "$name" || die "$name: exited at start (see $state/log/$name.log)"
    sleep 0.5
  done
  die "$name: did not answer on 127.0.0.1:$port (see $state/log/$name.log)"
}

registry_answers() {
  curl -fsS --max-time 2 "http://127.0.0.1:$1/subjects" >/dev/null 2>&1
}

# ---------------------------------------------------------------- commands
print_endpoints() {
  cat <<EOF
kafka            127.0.0.1:$KAFKA_PORT
schema registry  http://127.0.0.1:$REGISTRY_PORT
redis            redis://127.0.0.1:$REDIS_PORT
clickhouse       http://127.0.0.1:$CH_HTTP_PORT
postgres         postgres://postgres@127.0.0.1:$PG_PORT/postgres  (wal_level=logical)
mariadb          mysql://root@127.0.0.1:$MYSQL_PORT  (binlog ROW, FULL image, FULL metadata)
EOF
  if profile_has cluster; then
    cat <<EOF
kafka cluster    $(cluster_brokers)  (controllers on $(kafka_node_controller_port 1)-$(kafka_node_controller_port 3))
cluster registry http://127.0.0.1:$CLUSTER_REGISTRY_PORT
cluster env      $CLUSTER_ENV
EOF
  fi
  if profile_has redis-cluster; then
    echo "redis cluster    redis-cluster://$(redis_cluster_seeds)  (replicas on $((REDIS_CLUSTER_PORT + 3))-$((REDIS_CLUSTER_PORT + 5)))"
  fi
  echo "state            $state"
}

# The profile `up` last brought up, kept until `down`: plain, redis-cluster or cluster (which
# includes the Redis Cluster). `status` counts the parts of this profile.
PROFILE_FILE="$state/run/profile"
profile() { cat "$PROFILE_FILE" 2>/dev/null || echo plain; }
profile_has() { # cluster | redis-cluster
  case "$(profile)" in
    cluster) return 0 ;;
    redis-cluster) [[ "$1" == redis-cluster ]] ;;
    *) return 1 ;;
  esac
}

# record_profile NAME: the larger of NAME and what is already up (a plain `up` keeps the cluster).
record_profile() {
  case "$1:$(profile)" in
    cluster:* | redis-cluster:plain) echo "$1" >"$PROFILE_FILE" ;;
  esac
}

write_cluster_env() {
  cat >"$CLUSTER_ENV" <<EOF
TANDEM_KAFKA_BROKERS=$(cluster_brokers)
TANDEM_SCHEMA_REGISTRY_URL=http://127.0.0.1:$CLUSTER_REGISTRY_PORT
TANDEM_REDIS_URL=redis-cluster://$(redis_cluster_seeds)
TANDEM_TOPIC_REPLICATION_FACTOR=3
TANDEM_TOPIC_MIN_INSYNC_REPLICAS=2
TANDEM_REDIS_WAIT_REPLICAS=1
EOF
}

# cmd_up plain|redis-cluster|cluster
cmd_up() {
  command -v java >/dev/null || apt_install openjdk-17-jre-headless
  command -v curl >/dev/null || apt_install curl
  postgres_up
  mysql_up
  redis_up
  kafka_up
  clickhouse_up
  registry_up
  if [[ "$1" != plain ]]; then
    redis_cluster up
  fi
  if [[ "$1" == cluster ]]; then
    kafka_cluster_up
    registry_cluster_up
    write_cluster_env
  fi
  record_profile "$1"
  print_endpoints
}

cmd_down() {
  # Only what this script started (it holds a pid file for it): never the machine's own servers.
  local part
  for part in all registry registry-cluster clickhouse; do
    stop_background "$part"
  done
  kafka_cluster_down
  stop_background kafka
  stop_background redis
  if [[ -d "$state/redis-cluster" ]]; then
    redis_cluster down
  fi
  rm -f "$CLUSTER_ENV" "$PROFILE_FILE"
}

cmd_status() {
  local bad=0 cluster_bad=0 n
  show() { # name address check...
    local name="$1" address="$2"
    shift 2
    if "$@"; then printf '%-16s up    %s\n' "$name" "$address"; else
      printf '%-16s down  %s\n' "$name" "$address"
      bad=1
    fi
  }
  show kafka "127.0.0.1:$KAFKA_PORT" port_open 127.0.0.1 "$KAFKA_PORT"
  show registry "http://127.0.0.1:$REGISTRY_PORT" registry_answers "$REGISTRY_PORT"
  show redis "redis://127.0.0.1:$REDIS_PORT" redis_answers "$REDIS_PORT"
  show clickhouse "http://127.0.0.1:$CH_HTTP_PORT" ch_answers
  show postgres "127.0.0.1:$PG_PORT" port_open 127.0.0.1 "$PG_PORT"
  show mariadb "127.0.0.1:$MYSQL_PORT" port_open 127.0.0.1 "$MYSQL_PORT"
  # Cluster parts are listed once they have state; one that is down fails the status only when
  # the profile that is up includes it.
  if [[ -d "$state/kafka-cluster" ]]; then
    local plain_bad="$bad"
    bad=0
    for n in "${CLUSTER_NODES[@]}"; do
      show "kafka-c$n" "127.0.0.1:$(kafka_node_port "$n")" port_open 127.0.0.1 "$(kafka_node_port "$n")"
    done
    show registry-cluster "http://127.0.0.1:$CLUSTER_REGISTRY_PORT" registry_answers "$CLUSTER_REGISTRY_PORT"
    if profile_has cluster; then cluster_bad="$bad"; fi
    bad="$plain_bad"
  fi
  if [[ -d "$state/redis-cluster" ]] && ! redis_cluster status | redis_status_lines; then
    if profile_has redis-cluster; then cluster_bad=1; fi
  fi
  ((bad == 0 && cluster_bad == 0))
}

# redis_status_lines: redis-cluster.sh's status lines ("node HOST:PORT up|down ROLE STATE") in
# the columns of the other parts.
redis_status_lines() {
  awk '{ rest = ""; for (i = 4; i <= NF; i++) rest = rest " " $i
    split($2, a, ":"); printf "%-16s %-5s %s%s\n", "redis-c" a[2], $3, $2, rest }'
}

usage() {
  echo "usage: $0 up [--cluster | --redis-cluster] | down | status" >&2
  exit 2
}

# up_profile FLAG...: the profile `up` brings up, from its flags.
up_profile() {
  local flag profile=plain
  for flag in "$@"; do
    case "$flag" in
      --cluster) profile=cluster ;;
      --redis-cluster) [[ "$profile" == cluster ]] || profile=redis-cluster ;;
      *) usage ;;
    esac
  done
  echo "$profile"
}

case "${1:-}" in
  up)
    profile_wanted="$(up_profile "${@:2}")"
    cmd_up "$profile_wanted"
    ;;
  down | status)
    [[ $# -eq 1 ]] || usage
    "cmd_$1"
    ;;
  *) usage ;;
esac
