import { PostgreSqlContainer } from "@testcontainers/postgresql";
import { RedisContainer } from "@testcontainers/redis";
import { Wait } from "testcontainers";
import { startKafkaContainer } from "./kafka-container";
import { containerImages, publishContainerInfra } from "./config";

/**
 * `TOLLGATE_TEST_INFRA=containers` runs the suite against throw-away containers instead of the
 * machine's services, on any Docker-compatible engine (Docker, or podman's API socket: see the
 * README, "Containers and Kubernetes").
 */
export async function startContainers(): Promise<() => Promise<void>> {
  const images = containerImages();
  const [postgres, redis, kafka] = await Promise.all([
    new PostgreSqlContainer(images.postgres)
      .withUsername("postgres")
      .withPassword("postgres")
      // Not the module's health check: podman without systemd never runs health checks by
      // itself, so the container would stay "starting". pg_isready inside answers either way.
      .withWaitStrategy(Wait.forSuccessfulCommand("pg_isready --host 127.0.0.1 --username postgres"))
      .withStartupTimeout(120_000)
      .start(),
    new RedisContainer(images.redis).start(),
    startKafkaContainer(images.kafka),
  ]);
  publishContainerInfra({
    postgresUrl: `postgres://postgres:postgres@${postgres.getHost()}:${postgres.getPort()}`,
    redisUrl: `redis://${redis.getHost()}:${redis.getPort()}`,
    kafkaBrokers: kafka.brokers,
  });
  return async () => {
    await Promise.all([postgres.stop(), redis.stop(), kafka.stop()]);
  };
}
