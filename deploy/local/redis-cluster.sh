#!/usr/bin/env bash
# A local Redis Cluster for development and tests: 3 masters + 3 replicas (Debian's redis-server in
# cluster mode) on 127.0.0.1, six consecutive ports from $TANDEM_REDIS_CLUSTER_PORT (default 17001;
# masters start on the first three). AOF on, cluster-node-timeout 2000 ms. State under
# $TANDEM_STATE_DIR/redis-cluster/<port> (default <repo>/.tandem), pid files
# $state/run/redis-c<port>.pid, logs $state/log/redis-c<port>.log.
#
#   redis-cluster.sh up      start the nodes that are down, create the cluster the first time only,
#                            wait until every node reports cluster_state:ok
#   redis-cluster.sh down    stop the nodes this script started (never the machine's Redis on 6379)
#   redis-cluster.sh status  each node up/down with its role; exit 1 unless all six are up and ok
#
# `up` is idempotent. A node that was killed keeps its nodes.conf and rejoins when `up` restarts
# it (as a replica when its replica was promoted meanwhile). The script can also be sourced: it then
# only defines its functions; call `redis_cluster_cmd up|down|status`.

rcl_here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "$rcl_here/lib.sh" # stop_backgrounds

rcl_log() { printf '[redis-cluster] %s\n' "$*" >&2; }
rcl_die() {
  printf '[redis-cluster] error: %s\n' "$*" >&2
  exit 1
}

# rcl_init: the state folder and the six ports, from the environment.
rcl_init() {
  local repo
  repo="$(cd "$rcl_here/../.." && pwd)"
  rcl_state="${TANDEM_STATE_DIR:-$repo/.tandem}"
  mkdir -p "$rcl_state/run" "$rcl_state/log" "$rcl_state/redis-cluster"
  rcl_state="$(cd "$rcl_state" && pwd)"
  local first="${TANDEM_REDIS_CLUSTER_PORT:-17001}"
  [[ "$first" =~ ^[0-9]+$ ]] || rcl_die "TANDEM_REDIS_CLUSTER_PORT must be a port number, got '$first'"
  rcl_ports=()
  local i
  for i in 0 1 2 3 4 5; do rcl_ports+=("$((first + i))"); done
}

rcl_cli() { # PORT ARGS...
  local port="$1"
  shift
  redis-cli -h 127.0.0.1 -p "$port" "$@" 2>/dev/null
}

rcl_answers() { [[ "$(rcl_cli "$1" ping)" == "PONG" ]]; }

# rcl_info_field PORT FIELD: one field of CLUSTER INFO (empty when the node does not answer).
rcl_info_field() {
  rcl_cli "$1" cluster info | tr -d '\r' | sed -n "s/^$2://p"
}

rcl_pid_file() { echo "$rcl_state/run/redis-c$1.pid"; }

rcl_require_redis() {
  command -v redis-server >/dev/null && command -v redis-cli >/dev/null && return 0
  rcl_log "installing Debian's redis-server"
  apt-get update -qq >>"$rcl_state/log/apt.log" 2>&1 || rcl_die "apt-get update failed (see $rcl_state/log/apt.log)"
  DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 apt-get install -y -qq --no-install-recommends redis-server \
    >>"$rcl_state/log/apt.log" 2>&1 || rcl_die "apt-get install redis-server failed (see $rcl_state/log/apt.log)"
}

# rcl_node_up PORT: starts the node unless it answers. Its folder keeps nodes.conf and the AOF.
rcl_node_up() {
  local port="$1" dir="$rcl_state/redis-cluster/$1"
  rcl_answers "$port" && return 0
  mkdir -p "$dir"
  rcl_log "node $port: starting (state in $dir)"
  # cluster-replica-validity-factor 0: a replica takes over however long it was cut off; on one
  # development machine availability matters more than the freshest copy.
  redis-server --daemonize yes --bind 127.0.0.1 --port "$port" \
    --dir "$dir" --pidfile "$(rcl_pid_file "$port")" --logfile "$rcl_state/log/redis-c$port.log" \
    --cluster-enabled yes --cluster-config-file nodes.conf --cluster-node-timeout 2000 \
    --cluster-replica-validity-factor 0 \
    --appendonly yes --appendfsync everysec --save "" ||
    rcl_die "node $port: redis-server did not start (see $rcl_state/log/redis-c$port.log)"
}

rcl_wait_answers() { # PORT SECONDS
  local i
  for i in $(seq 1 $(($2 * 4))); do
    rcl_answers "$1" && return 0
    sleep 0.25
  done
  rcl_die "node $1: no answer after $2 s (see $rcl_state/log/redis-c$1.log)"
}

# rcl_created: some node already holds slots or knows other nodes (the cluster was made before).
rcl_created() {
  local port
  for port in "${rcl_ports[@]}"; do
    [[ "$(rcl_info_field "$port" cluster_slots_assigned)" != "0" ]] && return 0
    [[ "$(rcl_info_field "$port" cluster_known_nodes)" != "1" ]] && return 0
  done
  return 1
}

rcl_create() {
  local port seeds=()
  for port in "${rcl_ports[@]}"; do seeds+=("127.0.0.1:$port"); done
  rcl_log "creating the cluster: masters ${rcl_ports[*]:0:3}, replicas ${rcl_ports[*]:3:3}"
  redis-cli --cluster create "${seeds[@]}" --cluster-replicas 1 --cluster-yes \
    >"$rcl_state/log/redis-cluster-create.log" 2>&1 ||
    rcl_die "redis-cli --cluster create failed (see $rcl_state/log/redis-cluster-create.log)"
}

# rcl_healthy: every node answers, says cluster_state:ok, knows all six, sees none failing, has
# the same slot map as the others, and each replica's link to its master is up (a node restarted
# after a failover first claims its old slots, until gossip tells it otherwise).
rcl_healthy() {
  local port first_map="" map
  for port in "${rcl_ports[@]}"; do
    [[ "$(rcl_info_field "$port" cluster_state)" == "ok" ]] || return 1
    [[ "$(rcl_info_field "$port" cluster_known_nodes)" == "${#rcl_ports[@]}" ]] || return 1
    rcl_cli "$port" cluster nodes | grep -Eq ' [^ ]*fail[?]?[, ]' && return 1
    map="$(rcl_slot_map "$port")"
    [[ -n "$map" ]] || return 1
    [[ -z "$first_map" ]] && first_map="$map"
    [[ "$map" == "$first_map" ]] || return 1
    if [[ "$(rcl_cli "$port" role | head -n 1)" == "slave" ]]; then
      rcl_cli "$port" info replication | grep -q '^master_link_status:up' || return 1
    fi
  done
  return 0
}

# rcl_slot_map PORT: "node-id slot-ranges" of each master holding slots, as that node sees them.
rcl_slot_map() {
  rcl_cli "$1" cluster nodes | tr -d '\r' | awk '$3 ~ /master/ && NF > 8 {
    line = $1; for (i = 9; i <= NF; i++) line = line " " $i; print line }' | sort
}

rcl_wait_healthy() { # SECONDS
  local i
  for i in $(seq 1 $(($1 * 4))); do
    rcl_healthy && return 0
    sleep 0.25
  done
  rcl_die "cluster not ok after $1 s: $(rcl_status_lines | tr '\n' ';')"
}

rcl_up() {
  rcl_require_redis
  local port
  for port in "${rcl_ports[@]}"; do rcl_node_up "$port"; done
  for port in "${rcl_ports[@]}"; do rcl_wait_answers "$port" 20; done
  rcl_created || rcl_create
  rcl_wait_healthy 60
  rcl_log "ok: redis-cluster://127.0.0.1:${rcl_ports[0]},127.0.0.1:${rcl_ports[1]},127.0.0.1:${rcl_ports[2]}"
}

# rcl_down: stops the nodes with a pid file (only what `up` started), all at once, and waits.
rcl_down() {
  local port names=()
  for port in "${rcl_ports[@]}"; do names+=("redis-c$port"); done
  state="$rcl_state" stop_backgrounds "${names[@]}"
}

rcl_status_lines() {
  local port role state
  for port in "${rcl_ports[@]}"; do
    if rcl_answers "$port"; then
      role="$(rcl_cli "$port" role | head -n 1)"
      state="$(rcl_info_field "$port" cluster_state)"
      echo "node 127.0.0.1:$port  up    ${role:-?}  cluster_state:${state:-?}"
    else
      echo "node 127.0.0.1:$port  down"
    fi
  done
}

rcl_status() {
  rcl_status_lines
  rcl_healthy
}

# redis_cluster_cmd up|down|status: the script's commands, for callers that source it.
redis_cluster_cmd() {
  rcl_init
  case "${1:-}" in
    up) rcl_up ;;
    down) rcl_down ;;
    status) rcl_status ;;
    *)
      echo "usage: redis-cluster.sh up | down | status" >&2
      return 2
      ;;
  esac
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  set -euo pipefail
  redis_cluster_cmd "$@"
fi
