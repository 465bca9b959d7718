# Helpers for stack.sh: logging, ports, packages, background processes with pid files.
# Expects $state (the state folder) to be set by the caller.

log() { printf '[stack] %s\n' "$*" >&2; }
die() {
  printf '[stack] error: %s\n' "$*" >&2
  exit 1
}

# url_port URL DEFAULT: the port of a URL such as redis://host:6379/0.
url_port() {
  local rest="${1#*://}"
  rest="${rest%%/*}"
  rest="${rest##*@}"
  if [[ "$rest" == *:* ]]; then echo "${rest##*:}"; else echo "$2"; fi
}

port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

# wait_port HOST PORT SECONDS NAME [LOGFILE]
wait_port() {
  local i
  for i in $(seq 1 $(($3 * 4))); do
    port_open "$1" "$2" && return 0
    if [[ -n "${5:-}" ]] && ! pid_alive "$4"; then
      die "$4: exited at start; last lines of $5:
$(tail -n 20 "$5" 2>/dev/null)"
    fi
    sleep 0.25
  done
  die "$4: nothing answers on $1:$2 after $3 s${5:+ (see $5)}"
}

wait_port_closed() {
  local i
  for i in $(seq 1 $(($3 * 4))); do
    port_open "$1" "$2" || return 0
    sleep 0.25
  done
  die "port $1:$2 still open after $3 s"
}

# wait_no_process NAME SECONDS: until no process of that exact name is left.
wait_no_process() {
  local i
  for i in $(seq 1 $(($2 * 4))); do
    pgrep -x "$1" >/dev/null || return 0
    sleep 0.25
  done
  die "$1 still running after $2 s"
}

apt_updated=""
apt_install() {
  log "installing Debian packages: $*"
  if [[ -z "$apt_updated" ]]; then
    apt-get update -qq >"$state/log/apt.log" 2>&1 || die "apt-get update failed (see $state/log/apt.log)"
    apt_updated=1
  fi
  # No init system here: keep the packages' maintainer scripts from starting services.
  DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 apt-get install -y -qq --no-install-recommends "$@" \
    >>"$state/log/apt.log" 2>&1 || die "apt-get install $* failed (see $state/log/apt.log)"
}

# start_background NAME LOGFILE COMMAND...: its own session (so `down` can stop the whole group),
# detached from this shell, pid in $state/run/NAME.pid.
start_background() {
  local name="$1" logfile="$2"
  shift 2
  setsid nohup "$@" >"$logfile" 2>&1 </dev/null &
  echo $! >"$state/run/$name.pid"
}

pid_alive() {
  local f="$state/run/$1.pid"
  [[ -f "$f" ]] && kill -0 "$(cat "$f")" 2>/dev/null
}

stop_background() { stop_backgrounds "$1"; }

# stop_backgrounds NAME...: stops them together (the nodes of a cluster each wait on the others
# while they shut down: one at a time, the last would wait for a quorum that is gone).
stop_backgrounds() {
  local name f pid i
  local -a pids=()
  for name in "$@"; do
    f="$state/run/$name.pid"
    [[ -f "$f" ]] || continue
    pid="$(cat "$f")"
    if kill -0 "$pid" 2>/dev/null; then
      log "$name: stopping (pid $pid)"
      kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
      pids+=("$pid")
    fi
  done
  for i in $(seq 1 120); do
    any_alive "${pids[@]}" || break
    sleep 0.25
  done
  for pid in "${pids[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then
      log "pid $pid did not stop in 30 s; killing"
      kill -KILL -- "-$pid" 2>/dev/null || true
    fi
  done
  for name in "$@"; do rm -f "$state/run/$name.pid"; done
}

any_alive() {
  local pid
  for pid in "$@"; do kill -0 "$pid" 2>/dev/null && return 0; done
  return 1
}
