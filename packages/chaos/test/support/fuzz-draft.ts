import type { FuzzRandom } from "./fuzz-random";
import type { WireRequest } from "./fuzz-wire";

/** What a generated request knows of the stack: the ids and credentials of a signed-in user. */
export interface FuzzIdentity {
  username: string;
  userId: string;
  bearer: string;
  accessToken: string;
  tokenId: string;
  gameId: string;
}

/**
 * A request before it is put on the wire. Mutations change it; `finalize` then adds
 * Content-Length for the body unless a mutation has said what it should be.
 */
export interface Draft {
  method: string;
  /** Path and query, as they go into the request line (already percent-encoded where valid). */
  path: string;
  query: string;
  /** Replaces path and query whole when set (an absolute URI, `*`, a target with a space). */
  target?: string;
  version: string;
  headers: [string, string][];
  body: Buffer;
  /** "auto": the body's length (none when empty and the method has no body); "none": never; else these values, as sent. */
  contentLength: "auto" | "none" | string[];
  lineEnd: string;
  halfClose: boolean;
}

/** One kind of hostile input, named for the summary and the failure messages. */
export interface Mutation {
  kind: string;
  apply(draft: Draft, random: FuzzRandom, identity: FuzzIdentity): void;
}

export const setHeader = (draft: Draft, name: string, value: string): void => {
  draft.headers = draft.headers.filter(([key]) => key.toLowerCase() !== name.toLowerCase());
  draft.headers.push([name, value]);
};

export const removeHeader = (draft: Draft, name: string): void => {
  draft.headers = draft.headers.filter(([key]) => key.toLowerCase() !== name.toLowerCase());
};

export const headerValue = (draft: Draft, name: string): string | undefined => draft.headers.find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1];

const BODYLESS = new Set(["GET", "HEAD", "OPTIONS", "TRACE", "CONNECT"]);

export function finalize(draft: Draft): WireRequest {
  const headers = [...draft.headers];
  if (draft.contentLength === "auto") {
    if (draft.body.length > 0 || !BODYLESS.has(draft.method.toUpperCase())) headers.push(["Content-Length", String(draft.body.length)]);
  } else if (draft.contentLength !== "none") {
    for (const value of draft.contentLength) headers.push(["Content-Length", value]);
  }
  return {
    method: draft.method,
    target: draft.target ?? (draft.query === "" ? draft.path : `${draft.path}?${draft.query}`),
    version: draft.version,
    headers,
    body: draft.body,
    lineEnd: draft.lineEnd,
    halfClose: draft.halfClose,
  };
}
