import { accountTokenFrom } from "./account-api";
import { parseMailToken } from "./cli/mail-token";
import { MemorySessionStore } from "./session";
import { TollgateClient } from "./tollgate-client";

const TOKEN = "Xq3v9KmT2wLp8RnZ4bHc7Fj1Ya6Ue0Sg5Ri2Oy7Mn4B";
/** An access token whose payload names session `sid` (the SDK reads it, never verifies it). */
const accessTokenFor = (sid: string) => `h.${Buffer.from(JSON.stringify({ sid })).toString("base64url")}.s`;

function loggedIn(sid: string, fetch: typeof globalThis.fetch) {
  const store = new MemorySessionStore();
  store.save({ accessToken: accessTokenFor(sid), refreshToken: "r", accessExpiresAt: Date.now() + 600_000, user: { id: "u", email: "a@example.test", username: "a", role: "user", created_at: "", last_login_at: null, email_verified_at: null } });
  return { store, client: new TollgateClient({ baseUrl: "http://127.0.0.1:8080", session: store, fetch }) };
}

describe("the SDK's account API", () => {
  it("when a token is given as the mail's whole link, or with spaces around it, then the token itself is used", () => {
    expect(accountTokenFrom(`http://127.0.0.1:8080/api/v1/auth/password/reset#token=${TOKEN}`)).toBe(TOKEN);
    expect(accountTokenFrom(`  ${TOKEN}\n`)).toBe(TOKEN);
    expect(parseMailToken(`https://tollgate.example/api/v1/auth/email/verify#token=${TOKEN}`)).toBe(TOKEN);
    expect(() => parseMailToken("not-a-token")).toThrow("give the link from the mail, or the 43 characters after #token= in it.");
  });

  it("when this client's own session is ended by id, then the stored session is forgotten; ending another keeps it", async () => {
    const fetch = jest.fn<Promise<Response>, Parameters<typeof globalThis.fetch>>().mockImplementation(async () => new Response(null, { status: 204 }));
    const own = loggedIn("11111111-1111-4111-8111-111111111111", fetch);
    await own.client.account.revokeSession("22222222-2222-4222-8222-222222222222");
    expect(own.store.load()).toBeDefined();
    await own.client.account.revokeSession("11111111-1111-4111-8111-111111111111");
    expect(own.store.load()).toBeUndefined();
    expect(fetch.mock.calls.map(([url, init]) => `${init?.method} ${String(url)}`)).toEqual([
      "DELETE http://127.0.0.1:8080/api/v1/users/me/sessions/22222222-2222-4222-8222-222222222222",
      "DELETE http://127.0.0.1:8080/api/v1/users/me/sessions/11111111-1111-4111-8111-111111111111",
    ]);
  });

  it("when the service answers 202 without a body, then the call resolves, sends no credentials, and says which program asks", async () => {
    const fetch = jest.fn<Promise<Response>, Parameters<typeof globalThis.fetch>>().mockResolvedValue(new Response(null, { status: 202 }));
    const { client } = loggedIn("11111111-1111-4111-8111-111111111111", fetch);
    await expect(client.account.forgotPassword("ada@example.test")).resolves.toBeUndefined();
    const headers = new Headers(fetch.mock.calls[0]?.[1]?.headers);
    expect(headers.get("authorization")).toBeNull();
    expect(headers.get("user-agent")).toBe("tollgate-sdk");
  });
});
