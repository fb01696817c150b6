import { randomBytes } from "node:crypto";
import { SigningKeyCipher, totpSecretPurpose } from "../signing-key-cipher";
import type { TotpAuthenticators } from "./mfa.port";
import { resealTotpSecrets } from "./reseal-totp-secrets";

/** The two methods resealing uses, over a map (the SQL behind them is exercised by the component tests). */
function storedSecrets(rows: Map<string, string>): TotpAuthenticators {
  return {
    listSealed: async () => [...rows].map(([userId, secretSealed]) => ({ userId, secretSealed })),
    reseal: async (userId, from, to) => {
      if (rows.get(userId) !== from) return false;
      rows.set(userId, to);
      return true;
    },
  } as Pick<TotpAuthenticators, "listSealed" | "reseal"> as TotpAuthenticators;
}

describe("resealing TOTP secrets", () => {
  const previous = randomBytes(32);
  const current = randomBytes(32);

  it("when a new key-encryption key is put first, then secrets sealed under the old one (or stored plain) are resealed under it, once", async () => {
    const old = new SigningKeyCipher([previous], totpSecretPurpose);
    const rows = new Map([
      ["user-1", old.seal("user-1", "JBSWY3DPEHPK3PXP")],
      ["user-2", "KRSXG5CTMVRXEZLU"],
    ]);
    const rotated = new SigningKeyCipher([current, previous], totpSecretPurpose);
    expect(await resealTotpSecrets(storedSecrets(rows), rotated)).toBe(2);
    // The old key can go now: the new one alone opens every secret.
    const onlyCurrent = new SigningKeyCipher([current], totpSecretPurpose);
    expect(onlyCurrent.open("user-1", rows.get("user-1") ?? "")).toBe("JBSWY3DPEHPK3PXP");
    expect(onlyCurrent.open("user-2", rows.get("user-2") ?? "")).toBe("KRSXG5CTMVRXEZLU");
    expect(await resealTotpSecrets(storedSecrets(rows), rotated)).toBe(0);
  });

  it("when no key-encryption key is configured, then nothing is touched", async () => {
    const rows = new Map([["user-1", "JBSWY3DPEHPK3PXP"]]);
    expect(await resealTotpSecrets(storedSecrets(rows), new SigningKeyCipher([], totpSecretPurpose))).toBe(0);
    expect(rows.get("user-1")).toBe("JBSWY3DPEHPK3PXP");
  });
});
