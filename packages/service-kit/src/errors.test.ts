import { AppError, DependencyUnavailableError, unavailableDependency } from "./errors";

const error = (message: string, fields: Record<string, unknown> = {}) => Object.assign(new Error(message), fields);

describe("unavailableDependency", () => {
  it.each([
    ["a command without a reply in time", error("Command timed out")],
    ["a closed client", error("Connection is closed.")],
    ["a disconnected client without an offline queue", error("Stream isn't writeable and enableOfflineQueue options is false")],
    ["a command across failed reconnections", error('Reached the max retries per request limit (which is 0). Refer to "maxRetriesPerRequest" option for details.', { name: "MaxRetriesPerRequestError" })],
    ["a pipeline cut off", error("Command aborted due to connection close", { name: "AbortError" })],
    ["a Redis still loading its data", error("LOADING Redis is loading the dataset in memory", { name: "ReplyError" })],
    ["a Redis held by a script", error("BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.", { name: "ReplyError" })],
  ])("when ioredis reports %s, then redis is unavailable: 503 with Retry-After", (_what, cause) => {
    const mapped = unavailableDependency(cause);
    expect(mapped).toBeInstanceOf(DependencyUnavailableError);
    expect(mapped).toMatchObject({ dependency: "redis", statusCode: 503, errorCode: "SERVICE_UNAVAILABLE", retryAfterSeconds: 2, headers: { "Retry-After": "2" } });
  });

  it.each([
    ["no pooled connection in time", error("Knex: Timeout acquiring a connection. The pool is probably full.", { name: "KnexTimeoutError" })],
    ["a dropped connection", error("Connection terminated unexpectedly")],
    ["a connection that timed out opening", error("Connection terminated")],
    ["a broken client", error("Client has encountered a connection error and is not queryable")],
    ["a server shutting down", error("terminating connection due to administrator command", { code: "57P01" })],
    ["a server starting up", error("the database system is starting up", { code: "57P03" })],
    ["a server out of connections", error("sorry, too many clients already", { code: "53300" })],
  ])("when pg or knex reports %s, then the database is unavailable", (_what, cause) => {
    expect(unavailableDependency(cause)).toMatchObject({ dependency: "database", statusCode: 503 });
  });

  it("when the failure is down the cause chain (a refused socket under a wrapper), then it is still found", () => {
    const wrapped = error("fetch failed", { cause: error("connect ECONNREFUSED 127.0.0.1:1", { code: "ECONNREFUSED" }) });
    expect(unavailableDependency(wrapped)).toMatchObject({ statusCode: 503 });
  });

  it("when the error is already a DependencyUnavailableError, then it is kept with its own dependency and Retry-After", () => {
    const own = new DependencyUnavailableError("token service", { retryAfterSeconds: 7 });
    expect(unavailableDependency(own)).toBe(own);
  });

  it.each([
    ["a bug", new TypeError("Cannot read properties of undefined (reading 'id')")],
    ["a Redis refusal that a retry will not cure", error("WRONGTYPE Operation against a key holding the wrong kind of value", { name: "ReplyError" })],
    ["a constraint violation", error('duplicate key value violates unique constraint "users_email_key"', { code: "23505" })],
    ["a client error that is not a dependency's", new AppError(409, "CONFLICT", "taken")],
  ])("when the error is %s, then it is not a dependency outage", (_what, cause) => {
    expect(unavailableDependency(cause)).toBeUndefined();
  });
});
