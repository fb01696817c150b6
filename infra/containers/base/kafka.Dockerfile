# Apache Kafka 3.9 (one KRaft node) on Debian's Java 17, from the jars infra/kafka fetches from
# Maven Central, standing in for apache/kafka:3.9.1: the same KAFKA_* variables, CLUSTER_ID, paths
# (/opt/kafka) and user (appuser, uid 1000).
# Context: a folder build-base.sh fills with the jars (libs/, from infra/kafka/.cache/lib) and the
# scripts beside this file.
ARG JRE_IMAGE
FROM ${JRE_IMAGE}
RUN useradd --uid 1000 --user-group --no-create-home --home-dir /opt/kafka appuser \
  && mkdir -p /opt/kafka/libs /opt/kafka/bin /opt/kafka/config /var/lib/kafka/data \
  && chown appuser:appuser /opt/kafka/config /var/lib/kafka/data
COPY libs/ /opt/kafka/libs/
COPY kafka-run.sh /etc/kafka/docker/run
COPY kafka-class.sh /opt/kafka/bin/kafka-run-class.sh
COPY kafka-log4j.properties /opt/kafka/config/log4j.properties
RUN printf '#!/bin/sh\nexec /opt/kafka/bin/kafka-run-class.sh kafka.admin.BrokerApiVersionsCommand "$@"\n' \
      > /opt/kafka/bin/kafka-broker-api-versions.sh \
  && printf '#!/bin/sh\nexec /opt/kafka/bin/kafka-run-class.sh kafka.tools.StorageTool "$@"\n' \
      > /opt/kafka/bin/kafka-storage.sh \
  && chmod 0755 /opt/kafka/bin/*.sh /etc/kafka/docker/run
ENV PATH=/opt/kafka/bin:$PATH
USER appuser
EXPOSE 9092
CMD ["/etc/kafka/docker/run"]
