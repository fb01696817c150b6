import { promisify } from "node:util";
import { isLocalhostName, loopbackLookup } from "./loopback-lookup";

describe("resolving names for the connector", () => {
  it("when a name is localhost or under it, then it is loopback without asking the system resolver (RFC 6761 §6.3)", async () => {
    expect(["localhost", "app.localhost", "A.B.LOCALHOST", "app.localhost."].every(isLocalhostName)).toBe(true);
    expect(["localhost.example.test", "notlocalhost", "example.test"].some(isLocalhostName)).toBe(false);
    const lookup = promisify(loopbackLookup) as unknown as (host: string, options: object) => Promise<unknown>;
    await expect(lookup("app.localhost", { all: true })).resolves.toEqual([{ address: "127.0.0.1", family: 4 }]);
    await expect(new Promise((resolve) => loopbackLookup("app.localhost", { family: 6 }, (_error, address, family) => resolve([address, family])))).resolves.toEqual(["::1", 6]);
  });

  it("when a name is anything else, then the system resolver answers", async () => {
    const address = await new Promise((resolve, reject) => loopbackLookup("127.0.0.1", {}, (error, value) => (error ? reject(error) : resolve(value))));
    expect(address).toBe("127.0.0.1");
  });
});
