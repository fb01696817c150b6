import type { Request } from "express";
import type { ClientInfo } from "../domain/session-tokens";

/** The caller's IP (express honours `trust proxy`) and user agent. */
export function clientInfo(req: Request): ClientInfo {
  const userAgent = req.get("user-agent");
  return { ip: req.ip ?? null, userAgent: userAgent ? userAgent.slice(0, 512) : null };
}
