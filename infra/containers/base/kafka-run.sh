#!/bin/sh
# The broker's configuration from the environment, as the official image makes it: every
# KAFKA_<NAME> variable becomes the property <name> (`_` -> `.`, `__` -> `-`, `___` -> `_`), on
# top of a single-node KRaft default; the storage is formatted once with CLUSTER_ID.
set -eu
conf=/opt/kafka/config/server.properties
data=/var/lib/kafka/data
{
  echo "process.roles=broker,controller"
  echo "node.id=1"
  echo "controller.quorum.voters=1@localhost:9093"
  echo "listeners=PLAINTEXT://:9092,CONTROLLER://:9093"
  echo "advertised.listeners=PLAINTEXT://localhost:9092"
  echo "controller.listener.names=CONTROLLER"
  echo "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT"
  echo "offsets.topic.replication.factor=1"
  echo "transaction.state.log.replication.factor=1"
  echo "transaction.state.log.min.isr=1"
  echo "group.initial.rebalance.delay.ms=0"
  echo "log.dirs=$data"
  env | while IFS='=' read -r name value; do
    case "$name" in
      KAFKA_HEAP_OPTS | KAFKA_OPTS | KAFKA_JVM_PERFORMANCE_OPTS | KAFKA_LOG4J_OPTS) ;;
      KAFKA_*)
        key=$(printf '%s' "${name#KAFKA_}" | tr 'A-Z' 'a-z' | sed -e 's/___/\x01/g' -e 's/__/-/g' -e 's/_/./g' -e 's/\x01/_/g')
        echo "$key=$value" ;;
    esac
  done
} > "$conf.all"
# Later lines win: keep the last value of each key.
awk -F= '{ k = $1; v[k] = $0; if (!(k in seen)) { seen[k] = 1; order[++n] = k } } END { for (i = 1; i <= n; i++) print v[order[i]] }' \
  "$conf.all" > "$conf"
rm -f "$conf.all"
if [ ! -f "$data/meta.properties" ]; then
  /opt/kafka/bin/kafka-run-class.sh kafka.tools.StorageTool format --ignore-formatted \
    -t "${CLUSTER_ID:-5L6g3nShT-eMCtK--X86sw}" -c "$conf" >/dev/null
fi
exec /opt/kafka/bin/kafka-run-class.sh kafka.Kafka "$conf"
