import { KafkaContainer } from "@testcontainers/kafka";
import { PostgreSqlContainer } from "@testcontainers/postgresql";
import { RedisContainer } from "@testcontainers/redis";
import { publishContainerInfra } from "./config";

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
  publishContainerInfra({
    postgresUrl: `postgres://postgres:postgres@${postgres.getHost()}:${postgres.getPort()}`,
    redisUrl: `redis://${redis.getHost()}:${redis.getPort()}`,
    kafkaBrokers: `${kafka.getHost()}:${kafka.getMappedPort(9093)}`,
  });
  return async () => {
    await Promise.all([postgres.stop(), redis.stop(), kafka.stop()]);
  };
}
