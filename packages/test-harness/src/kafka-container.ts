import { Kafka, logLevel } from "kafkajs";
import { GenericContainer, Wait } from "testcontainers";

const startScript = "/tmp/tollgate-kafka-start.sh";

/**
 * One KRaft broker from an apache/kafka-style image (KAFKA_* variables, /etc/kafka/docker/run).
 * A client outside the container must be told the host port the engine mapped, which is known
 * only once the container runs: it starts by waiting for a script, which is then copied in with
 * that address (what the library's Confluent-only KafkaContainer does).
 */
export async function startKafkaContainer(image: string): Promise<{ brokers: string; stop: () => Promise<void> }> {
  const container = await new GenericContainer(image)
    .withExposedPorts(9092)
    .withEnvironment({
      KAFKA_NODE_ID: "1",
      KAFKA_PROCESS_ROLES: "broker,controller",
      KAFKA_CONTROLLER_QUORUM_VOTERS: "1@localhost:9093",
      KAFKA_LISTENERS: "PLAINTEXT://:9092,BROKER://:9094,CONTROLLER://:9093",
      KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: "PLAINTEXT:PLAINTEXT,BROKER:PLAINTEXT,CONTROLLER:PLAINTEXT",
      KAFKA_INTER_BROKER_LISTENER_NAME: "BROKER",
      KAFKA_CONTROLLER_LISTENER_NAMES: "CONTROLLER",
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: "1",
      KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: "1",
      KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: "1",
      KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: "0",
      KAFKA_NUM_PARTITIONS: "3",
    })
    .withEntrypoint(["sh", "-c"])
    .withCommand([`echo 'waiting for the start script'; while [ ! -f ${startScript} ]; do sleep 0.1; done; exec sh ${startScript}`])
    .withWaitStrategy(Wait.forLogMessage("waiting for the start script"))
    .start();
  const brokers = `${container.getHost()}:${container.getMappedPort(9092)}`;
  await container.copyContentToContainer([
    {
      content: `export KAFKA_ADVERTISED_LISTENERS=PLAINTEXT://${brokers},BROKER://localhost:9094\nexec /etc/kafka/docker/run\n`,
      target: startScript,
      mode: 0o755,
    },
  ]);
  await untilBrokerAnswers(brokers, 120_000);
  return { brokers, stop: async () => void (await container.stop()) };
}

async function untilBrokerAnswers(brokers: string, timeoutMs: number): Promise<void> {
  const admin = new Kafka({ brokers: [brokers], logLevel: logLevel.NOTHING, retry: { retries: 0 } }).admin();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await admin.connect();
      await admin.describeCluster();
      await admin.disconnect();
      return;
    } catch (error) {
      await admin.disconnect().catch(() => undefined);
      if (Date.now() > deadline) throw new Error(`Kafka container at ${brokers} did not answer within ${timeoutMs} ms`, { cause: error });
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}
