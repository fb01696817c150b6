import { randomBytes } from "node:crypto";
import { ResponseSealer } from "./response-sealer";

describe("ResponseSealer", () => {
  const sealer = new ResponseSealer(randomBytes(32).toString("base64"));
  const purchaseId = "6a7b8c9d-0e1f-4a2b-9c3d-4e5f6a7b8c9d";

  it("when an answer is sealed, then it opens to the same value and its bytes do not hold the plaintext", () => {
    const answer = { token: "P-JcsJievRj3vbaAISl52BnHZ4PseRMQ7lo8N1ar5C7jmZymxnesDPTsJ0Fx1O8O", amount: 2500 };
    const sealed = sealer.seal(purchaseId, answer);
    expect(sealed.toString("latin1")).not.toContain(answer.token);
    expect(sealer.open(purchaseId, sealed)).toEqual(answer);
  });

  it("when a sealed answer is altered, opened for another purchase or under another key, then it does not open", () => {
    const sealed = sealer.seal(purchaseId, { token: "x" });
    const altered = Buffer.from(sealed);
    altered[altered.length - 1] = (altered[altered.length - 1] ?? 0) ^ 1;
    expect(() => sealer.open(purchaseId, altered)).toThrow();
    expect(() => sealer.open("7c8d9e0f-1a2b-4c3d-94e5-f6a7b8c9d0e1", sealed)).toThrow();
    expect(() => new ResponseSealer(randomBytes(32).toString("base64")).open(purchaseId, sealed)).toThrow();
  });

  it("when the key is not 32 bytes, then the sealer refuses it", () => {
    expect(() => new ResponseSealer(randomBytes(16).toString("base64"))).toThrow(/32 bytes/);
  });
});
