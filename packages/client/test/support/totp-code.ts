import { createHmac } from "node:crypto";

const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/** RFC 4648 base32, as authenticator apps read a key (spaces and padding ignored). */
function base32Decode(text: string): Buffer {
  let bits = "";
  for (const character of text.replace(/[\s=]/g, "").toUpperCase()) {
    const value = BASE32.indexOf(character);
    if (value < 0) throw new Error(`not base32: ${character}`);
    bits += value.toString(2).padStart(5, "0");
  }
  const bytes = bits.match(/.{8}/g) ?? [];
  return Buffer.from(bytes.map((byte) => parseInt(byte, 2)));
}

/**
 * What an authenticator app shows `steps` time steps from now, computed here from RFC 6238 / RFC
 * 4226 (HMAC-SHA-1, dynamic truncation, 6 digits, 30 s) rather than with the service's library,
 * so the test also checks that the service speaks the standard.
 */
export function totpCode(secretBase32: string, steps = 0): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 1000 / 30) + steps));
  const hmac = createHmac("sha1", base32Decode(secretBase32)).update(counter).digest();
  const offset = (hmac[hmac.length - 1] ?? 0) & 0x0f;
  return String((hmac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, "0");
}
