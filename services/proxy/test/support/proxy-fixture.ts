import http, { type Server } from "node:http";
import { topics } from "@tollgate/contracts";
import { startAuthFixture, type AuthFixture } from "@tollgate/auth-fixture";
import { attachEchoSocket, createDemoApp } from "@tollgate/demo-upstream-service";
import { closeRedis, connectKafka, createLogger, createRedis, listen, namespacedTopic, openDatabase, OutboxNotifier, OutboxRelay } from "@tollgate/service-kit";
import { CaptureTransport, testDatabaseUrl, testInfra, uniqueName } from "@tollgate/test-harness";
import { createApp as createTokenApp, createUseCases as createTokenUseCases, tokenMigrations } from "@tollgate/token-service";
import type { Knex } from "knex";
import { createApp, createUseCases, type ProxySettings, type ProxyUseCases } from "../../src/app";
import { testAssertionKeys } from "./assertion-keys";
import { createUpgradeHandler } from "../../src/http/upgrade.handler";
import { createRevocationConsumer } from "../../src/messaging/revocation.consumer";


const TOKEN_DATABASE_URL = testDatabaseUrl("tollgate_token_test");

async function serve(server: Server, port = 0): Promise<string> {
  return `http://127.0.0.1:${await listen(server, port, "127.0.0.1")}`;
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

export interface ProxyFixture {
  proxyUrl: string;
  tokenUrl: string;
  upstreamUrl: string;
  auth: AuthFixture;
  tokenKnex: Knex;
  runtime: ProxyUseCases;
  logLines: string[];
  /** Buys a token for a fresh user (or the given one); returns the plaintext and ids. */
  buyToken(options?: { durationHours?: number; user?: Awaited<ReturnType<AuthFixture["user"]>> }): Promise<{ token: string; id: string; userToken: string; userId: string }>;
  stopUpstream(): Promise<void>;
  startUpstream(): Promise<void>;
  stopTokenService(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The proxy in-process with everything real around it: the auth service (service tokens), the
 * token service (validation, activation, revocation events through its outbox), Redis, Kafka and
 * the demo upstream.
 */
export interface ProxyFixtureOptions extends Partial<ProxySettings> {
  redisUrl?: string;
  /** Mounts another upstream than the demo app on the server behind the proxy. */
  mountUpstream?: (server: Server, publicUrl: () => string) => void;
  /** A base path appended to the upstream's URL (UPSTREAM_URL with a path), e.g. /sub */
  upstreamBasePath?: string;
}

export async function startProxyFixture(overrides: ProxyFixtureOptions = {}): Promise<ProxyFixture> {
  const capture = new CaptureTransport();
  const logger = createLogger({ service: "proxy-test", level: "debug", transports: [capture] });
  const namespace = uniqueName("proxy");
  const auth = await startAuthFixture({ namespace });

  const tokenKnex = await openDatabase({ url: TOKEN_DATABASE_URL, logger, migrations: tokenMigrations });
  await tokenKnex("outbox").whereNull("sent_at").update({ sent_at: tokenKnex.fn.now() });
  const { kafka, producer } = await connectKafka({ clientId: "proxy-test", brokers: testInfra().kafkaBrokers, logger, topics: [namespacedTopic(namespace, topics.tokenEvents), namespacedTopic(namespace, topics.authEvents)] });
  const relay = new OutboxRelay({ knex: tokenKnex, producer, logger, listenUrl: TOKEN_DATABASE_URL, pollIntervalMs: 100 });
  relay.start();
  const outboxNotifier = new OutboxNotifier({ url: TOKEN_DATABASE_URL, logger });
  const tokenServer = http.createServer(
    createTokenApp({ logger, knex: tokenKnex, verifier: auth.verifier, useCases: createTokenUseCases({ knex: tokenKnex, outbox: outboxNotifier }, { topicNamespace: namespace, maxTokensPerUser: 1_000 }) }),
  );
  const tokenUrl = await serve(tokenServer);

  let upstreamServer = http.createServer();
  let upstreamUrl = "";
  const mountUpstream = (server: Server) => {
    if (overrides.mountUpstream) return overrides.mountUpstream(server, () => upstreamUrl);
    server.on("request", createDemoApp(() => upstreamUrl));
    attachEchoSocket(server);
  };
  mountUpstream(upstreamServer);
  upstreamUrl = await serve(upstreamServer);
  const upstreamPort = Number(new URL(upstreamUrl).port);

  const redis = createRedis({ url: overrides.redisUrl ?? testInfra().redisUrl, profile: "cache", logger, name: "proxy-test", commandTimeoutMs: 100 });
  const client = auth.serviceClient("tokens:validate");
  const runtime = createUseCases(
    { redis, logger },
    {
      upstreamUrl: `${upstreamUrl}${overrides.upstreamBasePath ?? ""}`,
      upstreamTimeoutMs: 5_000,
      upstreamConnectTimeoutMs: 3_000,
      upstreamHeadersTimeoutMs: 5_000,
      upstreamBreakerThreshold: 3,
      upstreamHalfOpenMs: 500,
      upstreamMaxSockets: 64,
      tokenServiceUrl: tokenUrl,
      tokenServiceTimeoutMs: 2_000,
      tokenServiceBreakerThreshold: 3,
      tokenServiceHalfOpenMs: 1_000,
      authUrl: auth.baseUrl,
      serviceClientId: client.clientId,
      serviceClientSecret: client.clientSecret,
      cachePositiveTtlMs: 5_000,
      cacheNegativeTtlMs: 1_000,
      cacheMaxEntries: 10_000,
      grantMaxAgeMs: 10_000,
      rewriteMaxBytes: 64 * 1024,
      identityAssertionKeys: testAssertionKeys(),
      ...overrides,
    },
  );
  const revocations = createRevocationConsumer({ kafka, logger, deadLetterProducer: producer, validator: runtime.validator, tunnels: runtime.tunnels, topicNamespace: namespace, instanceId: "test" });
  await revocations.start();
  await revocations.joined();
  const proxyServer = http.createServer(createApp({ logger, validator: runtime.validator, forwarder: runtime.forwarder, target: runtime.target, app: runtime.app, asserter: runtime.asserter }));
  proxyServer.on("upgrade", createUpgradeHandler({ ...runtime, logger }));
  const proxyUrl = await serve(proxyServer);
  let tokenServiceUp = true;

  return {
    proxyUrl,
    tokenUrl,
    upstreamUrl,
    auth,
    tokenKnex,
    runtime,
    logLines: capture.lines,
    async buyToken({ durationHours = 24, user } = {}) {
      const owner = user ?? (await auth.user());
      const res = await fetch(`${tokenUrl}/api/v1/tokens/purchase`, {
        method: "POST",
        headers: { "Content-Type": "application/json", Authorization: `Bearer ${owner.token}` },
        body: JSON.stringify({ duration_hours: durationHours }),
      });
      const body = (await res.json()) as { token: string; id: string };
      if (res.status !== 201) throw new Error(`purchase answered ${res.status}`);
      return { token: body.token, id: body.id, userToken: owner.token, userId: owner.userId };
    },
    async stopUpstream() {
      await closeServer(upstreamServer);
    },
    async startUpstream() {
      upstreamServer = http.createServer();
      mountUpstream(upstreamServer);
      await serve(upstreamServer, upstreamPort);
    },
    async stopTokenService() {
      tokenServiceUp = false;
      await closeServer(tokenServer);
    },
    async close() {
      runtime.tunnels.closeAll(1001, "going_away");
      await closeServer(proxyServer);
      await revocations.stop();
      await runtime.forwarder.close();
      if (tokenServiceUp) await closeServer(tokenServer);
      await closeServer(upstreamServer).catch(() => undefined);
      await outboxNotifier.close();
      await relay.stop({ flushTimeoutMs: 0 });
      await producer.disconnect();
      await closeRedis(redis);
      await tokenKnex.destroy();
      await auth.close();
    },
  };
}
