import { KafkaContainer } from "@testcontainers/kafka";
import { PostgreSqlContainer } from "@testcontainers/postgresql";
import { RedisContainer } from "@testcontainers/redis";

/**
 * Where a Docker engine answers, `TOLLGATE_TEST_INFRA=containers` runs the suite against
 * throw-away containers instead of the machine's services. Not exercised by CI here (no engine).
 */
export async function startContainers(): Promise<() => Promise<void>> {
  const [postgres, redis, kafka] = await Promise.all([
    new PostgreSqlContainer("postgres:15-alpine").withUsername("postgres").withPassword("postgres").start(),
    new RedisContainer("redis:7-alpine").start(),
    new KafkaContainer("confluentinc/cp-kafka:7.7.1").withKraft().start(),
  ]);
  process.env.TOLLGATE_TEST_POSTGRES_URL = `postgres://postgres:postgres@${postgres.getHost()}:${postgres.getPort()}`;
  process.env.TOLLGATE_TEST_REDIS_URL = `redis://${redis.getHost()}:${redis.getPort()}`;
  process.env.TOLLGATE_TEST_KAFKA_BROKERS = `${kafka.getHost()}:${kafka.getMappedPort(9093)}`;
  return async () => {
    await Promise.all([postgres.stop(), redis.stop(), kafka.stop()]);
  };
}
