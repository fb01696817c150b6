import { REDACTED } from "../src";
import { requestContext } from "../src/request-context";
import { captureLogger } from "./support";

describe("logger", () => {
  it("when a log entry holds secrets at any depth, then each is redacted and the rest kept", () => {
    const { logger, capture } = captureLogger();
    logger.info("login attempt", {
      user: { name: "alice", password: "s3cret-canary" },
      headers: { authorization: "Bearer abc.def.ghi", cookie: "sid=zzz", "x-request-id": "r1" },
      tokens: [{ refresh_token: "rt-canary", access_token: "at-canary", token: "tk-canary", token_id: "keep-me" }],
      note: "sent Bearer eyJhbGciOi.x.y to the api",
    });
    const line = JSON.parse(capture.lines[0] ?? "{}");
    expect(line.user).toEqual({ name: "alice", password: REDACTED });
    expect(line.headers.authorization).toBe(REDACTED);
    expect(line.headers.cookie).toBe(REDACTED);
    expect(line.tokens[0]).toEqual({ refresh_token: REDACTED, access_token: REDACTED, token: REDACTED, token_id: "keep-me" });
    expect(line.note).toBe(`sent Bearer ${REDACTED} to the api`);
    expect(capture.text()).not.toMatch(/canary|eyJhbGciOi/);
  });

  it("when a line is written inside a request context, then it carries the request id", () => {
    const { logger, capture } = captureLogger();
    requestContext.run({ requestId: "req-1234567890" }, () => logger.child({ component: "x" }).info("hello"));
    expect(JSON.parse(capture.lines[0] ?? "{}")).toMatchObject({ request_id: "req-1234567890", component: "x", service: "test" });
  });
});
