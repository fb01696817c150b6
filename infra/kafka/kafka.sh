#!/usr/bin/env bash
# Runs one Apache Kafka KRaft broker (127.0.0.1:9092, controller 9093) on the machine's Java 17,
# from jars that Maven fetches into .cache/lib. Every command is idempotent.
#
#   kafka.sh install   fetch the jars (once)
#   kafka.sh start     install if needed, format storage once, start, wait until it accepts connections
#   kafka.sh stop      stop the broker this script started (waits for it to exit)
#   kafka.sh status    print running/stopped; exit 0 when the port answers
#
# Environment: KAFKA_HOME_DIR (state: data, logs, pid; default infra/kafka/.cache),
# KAFKA_PORT / KAFKA_CONTROLLER_PORT (default 9092 / 9093; tests run a second broker elsewhere),
# KAFKA_HEAP_OPTS (default -Xms256m -Xmx768m), KAFKA_START_TIMEOUT (seconds, default 90).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
state=${KAFKA_HOME_DIR:-$here/.cache}
lib="$here/.cache/lib"
data="$state/data"
logs="$state/logs"
pidfile="$state/kafka.pid"
conf="$state/server.properties"
host=127.0.0.1
port=${KAFKA_PORT:-9092}
controller_port=${KAFKA_CONTROLLER_PORT:-9093}
timeout=${KAFKA_START_TIMEOUT:-90}

log() { printf '[kafka] %s\n' "$*" >&2; }

port_open() { (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; }

java_bin() {
  local candidate
  for candidate in "${JAVA_HOME:-}/bin/java" /usr/lib/jvm/java-17-openjdk-amd64/bin/java "$(command -v java || true)"; do
    if [ -x "$candidate" ]; then echo "$candidate"; return 0; fi
  done
  log "no Java found; install openjdk-17-jre-headless"; return 1
}

install() {
  if [ -f "$lib/kafka_2.13-$(kafka_version).jar" ]; then return 0; fi
  command -v mvn >/dev/null || { log "mvn is required to fetch Kafka (apt-get install -y maven)"; return 1; }
  log "fetching Apache Kafka $(kafka_version) into $lib"
  mvn -q -B -f "$here/pom.xml" package
}

kafka_version() { sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$here/pom.xml"; }

running_pid() {
  [ -f "$pidfile" ] || return 1
  local pid; pid=$(cat "$pidfile")
  kill -0 "$pid" 2>/dev/null && echo "$pid"
}

run_java() {
  local java; java=$(java_bin)
  # shellcheck disable=SC2086
  exec_or_run "$java" ${KAFKA_HEAP_OPTS:--Xms256m -Xmx768m} -XX:+UseG1GC -Djava.awt.headless=true \
    -Dkafka.logs.dir="$logs" -Dlog4j.configuration="file:$here/log4j.properties" \
    -cp "$lib/*" "$@"
}

format_once() {
  mkdir -p "$data" "$logs"
  { sed -e "s/:9092/:$port/g" -e "s/:9093/:$controller_port/g" "$here/server.properties"; echo "log.dirs=$data"; } > "$conf"
  if [ -f "$data/meta.properties" ]; then return 0; fi
  log "formatting storage in $data"
  run_java kafka.tools.StorageTool format -t "$(run_java kafka.tools.StorageTool random-uuid)" -c "$conf" >>"$logs/format.log" 2>&1
}

start() {
  if port_open; then log "already running on $host:$port"; return 0; fi
  install
  format_once
  log "starting broker (logs in $logs)"
  setsid "$0" __run </dev/null >>"$logs/stdout.log" 2>&1 &
  echo $! > "$pidfile"
  local waited=0
  until port_open; do
    if ! running_pid >/dev/null; then log "broker exited during start; see $logs/server.log and $logs/stdout.log"; return 1; fi
    if [ "$waited" -ge "$((timeout * 2))" ]; then log "not accepting connections after ${timeout}s"; return 1; fi
    sleep 0.5; waited=$((waited + 1))
  done
  log "accepting connections on $host:$port"
}

stop() {
  local pid
  if ! pid=$(running_pid); then
    if port_open; then log "a broker not started by this script answers on $host:$port; leaving it"; fi
    rm -f "$pidfile"; return 0
  fi
  log "stopping broker (pid $pid)"
  kill "$pid"
  for _ in $(seq 1 120); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  if kill -0 "$pid" 2>/dev/null; then log "did not stop in 60s; killing"; kill -9 "$pid"; fi
  rm -f "$pidfile"
  log "stopped"
}

status() {
  if port_open; then echo "running ($host:$port, pid $(running_pid || echo 'not ours'))"; return 0; fi
  echo "stopped"; return 1
}

# run_java replaces this shell with the JVM only for the broker itself (`__run`), so the pid
# recorded by `start` is the broker's.
exec_or_run() { if [ "${KAFKA_EXEC:-}" = 1 ]; then exec "$@"; else "$@"; fi; }

case "${1:-}" in
  __run) KAFKA_EXEC=1 run_java kafka.Kafka "$conf" ;;
  install) install ;;
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 install|start|stop|status" >&2; exit 2 ;;
esac
