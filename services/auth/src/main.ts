import { topics } from "@tollgate/contracts";
import {
  closeRedis,
  createHttpMetrics,
  createIdempotentProducer,
  createKafka,
  createLogger,
  createRedis,
  degradesOnly,
  ensureTopics,
  exposeOutboxBacklog,
  namespacedTopic,
  openDatabase,
  OutboxRelay,
  runMain,
  serve,
  type Logger,
} from "@tollgate/service-kit";
import { createApp, createTokenSigner, createUseCases } from "./app";
import { createAuthMetrics } from "./auth-metrics";
import { loadAuthConfig } from "./config";
import { unitOfWork } from "./unit-of-work";
import { TotpAuthenticatorRepository } from "./data/totp-authenticator.repository";
import { ZxcvbnStrengthEstimator } from "./data/zxcvbn-strength.estimator";
import { resealTotpSecrets } from "./domain/mfa/reseal-totp-secrets";
import { SigningKeyCipher, totpSecretPurpose } from "./domain/signing-key-cipher";
import { BootstrapAdminUseCase } from "./domain/admin-bootstrap.use-case";
import { SmtpMailSender } from "./data/smtp-mail.sender";
import { AccountMailRelay, accountMailSettings } from "./messaging/account-mail.relay";
import { tokenActivatedConsumer } from "./messaging/token-activated.consumer";
import { authMigrations } from "./migrations";

async function main(): Promise<void> {
  const config = loadAuthConfig();
  const logger = createLogger({ service: "auth", level: config.LOG_LEVEL });
  const knex = await openDatabase({ url: config.DATABASE_URL, logger, migrations: authMigrations });
  const { resealed } = await createTokenSigner(knex, config).ensureKey();
  if (resealed > 0) logger.info("signing keys sealed with the current key-encryption key", { resealed });
  const resealedSecrets = await resealTotpSecrets(new TotpAuthenticatorRepository(knex), new SigningKeyCipher(config.SIGNING_KEYS_ENCRYPTION_KEYS, totpSecretPurpose));
  if (resealedSecrets > 0) logger.info("TOTP secrets sealed with the current key-encryption key", { resealed: resealedSecrets });
  if (config.SIGNING_KEYS_ENCRYPTION_KEYS.length === 0) logger.warn("SIGNING_KEYS_ENCRYPTION_KEYS is not set: signing keys and TOTP secrets are stored unencrypted (refused in production)");

  const metrics = createAuthMetrics(createHttpMetrics());
  exposeOutboxBacklog(metrics.http.registry, knex, { logger });
  const redis = createRedis({ url: config.REDIS_URL, profile: "store", logger, name: "auth-throttle" });
  const kafka = createKafka({ clientId: config.KAFKA_CLIENT_ID ?? `auth-${config.INSTANCE_ID}`, brokers: config.KAFKA_BROKERS, logger });
  const authEventsTopic = namespacedTopic(config.KAFKA_TOPIC_NAMESPACE, topics.authEvents);
  const tokenEventsTopic = namespacedTopic(config.KAFKA_TOPIC_NAMESPACE, topics.tokenEvents);
  if (config.BOOTSTRAP_ADMIN_EMAIL) await new BootstrapAdminUseCase({ uow: unitOfWork(knex, authEventsTopic), logger }).execute(config.BOOTSTRAP_ADMIN_EMAIL);
  const producer = createIdempotentProducer(kafka);
  const relay = new OutboxRelay({ knex, producer, logger, listenUrl: config.DATABASE_URL });
  const consumer = tokenActivatedConsumer({ kafka, knex, logger, tokenEventsTopic, deadLetterProducer: producer, instanceId: config.INSTANCE_ID, namespace: config.KAFKA_TOPIC_NAMESPACE, metrics: metrics.http.registry });
  // Kafka being down must not keep logins down: events wait in the outbox, the audit consumer
  // catches up later. Keep trying in the background until the bus is reachable.
  const messaging = startWhenReachable(logger, async () => {
    await ensureTopics(kafka, [authEventsTopic, tokenEventsTopic, `${authEventsTopic}.dlq`, `${tokenEventsTopic}.dlq`]);
    await producer.connect();
    relay.start();
    await consumer.start();
  });

  // Verification and reset mails wait in account_mails until SMTP takes them, as events wait for Kafka.
  const mailSender = new SmtpMailSender({ url: config.SMTP_URL, from: config.MAIL_FROM, timeoutMs: config.SMTP_TIMEOUT_MS });
  const mailRelay = new AccountMailRelay({ knex, sender: mailSender, mail: accountMailSettings(config), logger });
  mailRelay.start();

  // Loads zxcvbn's dictionaries once, before the first request; a worker that cannot start stops the service here.
  const passwordStrength = new ZxcvbnStrengthEstimator();
  await passwordStrength.ready();

  const useCases = createUseCases(
    { knex, redis, logger, passwordStrength, activity: metrics.activity, registry: metrics.http.registry },
    { config, authEventsTopic },
  );
  const { port } = await serve({
    app: (isShuttingDown) =>
      createApp({
        logger,
        knex,
        redis,
        useCases,
        trustProxy: config.TRUST_PROXY,
        bodyLimit: config.HTTP_BODY_LIMIT,
        metrics: metrics.http,
        isShuttingDown,
        readiness: { kafka_consumer: degradesOnly(() => consumer.ready()) },
      }),
    port: config.PORT,
    host: config.HOST,
    logger,
    shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    steps: [
      { name: "kafka start-up", run: () => messaging.cancel() },
      { name: "token-events consumer", run: () => consumer.stop() },
      { name: "outbox relay", run: () => relay.stop() },
      { name: "account mail relay", run: () => mailRelay.stop().finally(() => mailSender.close()) },
      { name: "kafka producer", run: () => producer.disconnect() },
      { name: "password strength worker", run: () => passwordStrength.close() },
      { name: "redis", run: () => closeRedis(redis) },
      { name: "postgres", run: () => knex.destroy() },
    ],
  });
  logger.info("auth service listening", { host: config.HOST, port });
}

/** Runs `start` until it succeeds, backing off up to 30 s; `cancel` stops retrying. */
function startWhenReachable(logger: Logger, start: () => Promise<void>): { cancel: () => Promise<void> } {
  let cancelled = false;
  let timer: NodeJS.Timeout | undefined;
  const attempt = async (delayMs: number): Promise<void> => {
    if (cancelled) return;
    try {
      await start();
      logger.info("kafka connected: outbox relay and token-events consumer running");
    } catch (error) {
      logger.warn("kafka not reachable; logins work, events wait in the outbox", { retry_in_ms: delayMs, error: error instanceof Error ? error.message : String(error) });
      timer = setTimeout(() => void attempt(Math.min(delayMs * 2, 30_000)), delayMs);
    }
  };
  void attempt(1_000);
  return {
    cancel: async () => {
      cancelled = true;
      clearTimeout(timer);
    },
  };
}

runMain("auth service", main);
