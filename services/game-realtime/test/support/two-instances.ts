import { startInstance, type InstanceOptions, type TestInstance } from "./instance";
import { TestTokenIssuer, type TestUser } from "./tokens";
import { TestSocket } from "./ws-client";

export interface TwoInstances {
  issuer: TestTokenIssuer;
  one: TestInstance;
  two: TestInstance;
}

/**
 * A token issuer and two instances with the same settings: one database, one Redis and, when the
 * settings name one, one matchmaking key prefix, so a game or a queue spans both.
 */
export async function startTwoInstances(settings: InstanceOptions["settings"]): Promise<TwoInstances & { stop(): Promise<void> }> {
  const issuer = await new TestTokenIssuer().start();
  const one = await startInstance(issuer, { settings });
  const two = await startInstance(issuer, { settings });
  return {
    issuer,
    one,
    two,
    stop: async () => {
      await one.stop();
      await two.stop();
      await issuer.stop();
    },
  };
}

export interface TwoInstancesFixture extends TwoInstances {
  /** Opens an authenticated socket for the user on the instance; it is closed after the test. */
  connect(instance: TestInstance, user: TestUser): Promise<TestSocket>;
}

/**
 * For a describe block: two instances (startTwoInstances) started before its tests and stopped
 * after them, and a `connect` whose sockets close after each test. The fields are set once the
 * block's beforeAll has run, so read them inside tests and hooks, not while the block is declared.
 */
export function useTwoInstances(settings: InstanceOptions["settings"]): TwoInstancesFixture {
  const sockets: TestSocket[] = [];
  let started: (TwoInstances & { stop(): Promise<void> }) | undefined;
  const fixture = {
    connect: async (instance: TestInstance, user: TestUser) => {
      const socket = await TestSocket.connect(instance.wsUrl, user.token);
      sockets.push(socket);
      return socket;
    },
  } as TwoInstancesFixture;

  beforeAll(async () => {
    started = await startTwoInstances(settings);
    Object.assign(fixture, { issuer: started.issuer, one: started.one, two: started.two });
  });

  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.close();
  });

  afterAll(async () => {
    await started?.stop();
  });

  return fixture;
}
