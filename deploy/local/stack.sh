#!/usr/bin/env bash
# The local stack: Kafka (KRaft, from Maven Central jars), ClickHouse (Debian), Redis, Tandem's schema
# registry, and PostgreSQL / MariaDB set up for change data capture. Each part runs on loopback with
# its state under one folder ($TANDEM_STATE_DIR, default <repo>/.tandem).
#
#   stack.sh up       install what is missing, start what is not running, wait, print endpoints
#   stack.sh down     stop what `up` started (never the machine's own PostgreSQL, MariaDB or Redis)
#   stack.sh status   each part up/down with its address
#
# `up` is idempotent: when everything already answers it only checks, and returns in seconds.
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
REDIS_PORT="$(url_port "$REDIS_URL" 6379)"
PG_PORT="${TANDEM_POSTGRES_PORT:-5432}"
MYSQL_PORT="${TANDEM_MYSQL_PORT:-3306}"

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
  local dir="$state/kafka" libs="$state/kafka/libs-$KAFKA_VERSION"
  mkdir -p "$dir"
  if [[ ! -f "$libs/.complete" ]]; then
    command -v mvn >/dev/null || apt_install maven
    log "kafka: fetching Apache Kafka $KAFKA_VERSION jars from Maven Central"
    rm -rf "$libs"
    mvn -q -B -f "$here/kafka/pom.xml" -Dkafka.version="$KAFKA_VERSION" \
      dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$libs" >"$state/log/kafka-fetch.log" 2>&1 ||
      die "kafka: mvn could not fetch the jars (see $state/log/kafka-fetch.log)"
    touch "$libs/.complete"
  fi
  if port_open 127.0.0.1 "$KAFKA_PORT"; then
    return 0
  fi
  sed -e "s#@DATA@#$dir/data#" -e "s#@PORT@#$KAFKA_PORT#g" \
    -e "s#@CONTROLLER_PORT@#$KAFKA_CONTROLLER_PORT#g" \
    "$here/kafka/server.properties" >"$dir/server.properties"
  if [[ ! -f "$dir/data/meta.properties" ]]; then
    log "kafka: formatting KRaft storage in $dir/data"
    java -cp "$libs/*" -Dlog4j.configuration="file:$here/kafka/log4j.properties" \
      kafka.tools.StorageTool format --ignore-formatted \
      -t "$(java -cp "$libs/*" kafka.tools.StorageTool random-uuid 2>/dev/null)" \
      -c "$dir/server.properties" >"$state/log/kafka-format.log" 2>&1 ||
      die "kafka: formatting storage failed (see $state/log/kafka-format.log)"
  fi
  log "kafka: starting broker on 127.0.0.1:$KAFKA_PORT"
  start_background kafka "$state/log/kafka.log" \
    java "-Xms256m" "-Xmx$KAFKA_HEAP" -XX:+UseG1GC \
    -Dlog4j.configuration="file:$here/kafka/log4j.properties" \
    -cp "$libs/*" kafka.Kafka "$dir/server.properties"
  wait_port 127.0.0.1 "$KAFKA_PORT" 90 kafka "$state/log/kafka.log"
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
  if registry_answers; then
    return 0
  fi
  log "registry: starting Tandem's schema registry on 127.0.0.1:$REGISTRY_PORT"
  TANDEM_KAFKA_BROKERS="127.0.0.1:$KAFKA_PORT" TANDEM_REGISTRY_PORT="$REGISTRY_PORT" \
    TANDEM_REGISTRY_HOST=127.0.0.1 \
    start_background registry "$state/log/registry.log" "$repo/bin/tandem" registry
  local i
  for i in $(seq 1 120); do
    registry_answers && return 0
    pid_alive registry || die "registry: exited at start (see $state/log/registry.log)"
    sleep 0.5
  done
  die "registry: did not answer on 127.0.0.1:$REGISTRY_PORT (see $state/log/registry.log)"
}

registry_answers() {
  curl -fsS --max-time 2 "http://127.0.0.1:$REGISTRY_PORT/subjects" >/dev/null 2>&1
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
state            $state
EOF
}

cmd_up() {
  command -v java >/dev/null || apt_install openjdk-17-jre-headless
  command -v curl >/dev/null || apt_install curl
  postgres_up
  mysql_up
  redis_up
  kafka_up
  clickhouse_up
  registry_up
  print_endpoints
}

cmd_down() {
  # Only what this script started (it holds a pid file for it): never the machine's own servers.
  local part
  for part in all registry clickhouse kafka redis; do
    stop_background "$part"
  done
}

cmd_status() {
  local bad=0
  show() { # name address check...
    local name="$1" address="$2"
    shift 2
    if "$@"; then printf '%-16s up    %s\n' "$name" "$address"; else
      printf '%-16s down  %s\n' "$name" "$address"
      bad=1
    fi
  }
  show kafka "127.0.0.1:$KAFKA_PORT" port_open 127.0.0.1 "$KAFKA_PORT"
  show registry "http://127.0.0.1:$REGISTRY_PORT" registry_answers
  show redis "redis://127.0.0.1:$REDIS_PORT" redis_answers "$REDIS_PORT"
  show clickhouse "http://127.0.0.1:$CH_HTTP_PORT" ch_answers
  show postgres "127.0.0.1:$PG_PORT" port_open 127.0.0.1 "$PG_PORT"
  show mariadb "127.0.0.1:$MYSQL_PORT" port_open 127.0.0.1 "$MYSQL_PORT"
  return "$bad"
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  *)
    echo "usage: $0 up|down|status" >&2
    exit 2
    ;;
esac
