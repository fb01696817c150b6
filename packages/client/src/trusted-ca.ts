import { readFileSync } from "node:fs";
import { Agent } from "undici";

/** One or more PEM certificates (a bundle may hold several). */
export type TrustedCa = string | Buffer;

/**
 * `fetch` that also trusts `ca` for https. Certificates are still verified (host name, expiry,
 * chain): the CA is added for this client only, never by turning verification off.
 */
export function trustingFetch(fetchImpl: typeof fetch, ca: TrustedCa | undefined): typeof fetch {
  if (ca === undefined) return fetchImpl;
  const dispatcher = new Agent({ connect: { ca } });
  // Node's fetch takes an undici dispatcher. Its types come from the undici Node bundles, which
  // differ from the undici package's in details of no concern here (a request's FormData body), so
  // the init is cast; the round trip is covered by the client's TLS test.
  return (input, init) => fetchImpl(input, { ...init, dispatcher } as unknown as RequestInit);
}

const holdsPemCertificate = (ca: TrustedCa): boolean => (typeof ca === "string" ? ca : ca.toString("latin1")).includes("-----BEGIN CERTIFICATE-----");

/**
 * Refuses a `ca` that holds no PEM certificate: TLS would ignore it silently and fail later with
 * UNABLE_TO_VERIFY_LEAF_SIGNATURE, which points at the server rather than at the option.
 */
export function assertTrustedCa(ca: TrustedCa | undefined, option: string): void {
  if (ca === undefined) return;
  if ((typeof ca !== "string" && !Buffer.isBuffer(ca)) || !holdsPemCertificate(ca)) throw new TypeError(`${option} must hold a PEM certificate ("-----BEGIN CERTIFICATE-----")`);
}

/** Reads a PEM file, refusing anything that holds no certificate (a key, a DER file, a typo'd path's contents). */
export function readCaFile(file: string): Buffer {
  const pem = readFileSync(file);
  if (!holdsPemCertificate(pem)) throw new Error(`${file} holds no PEM certificate ("-----BEGIN CERTIFICATE-----")`);
  return pem;
}
