// GET /health for the gateway: every service's /health/ready, in parallel, 2 s each.

/** @param {string} list  name=url,name=url */
export function parseTargets(list) {
  return list
    .split(",")
    .filter(Boolean)
    .map((entry) => {
      const [name, url] = entry.split("=");
      return { name, url: new URL("/health/ready", url).toString() };
    });
}

/** A service's state: "ready", "degraded (<failed checks>)", "not ready (<status>)" or "down (<reason>)". */
async function check({ name, url }) {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    if (!res.ok) return [name, `not ready (${res.status})`];
    const body = await res.json().catch(() => ({}));
    if (body.status !== "degraded") return [name, "ready"];
    const failed = Object.entries(body.checks ?? {}).filter(([, result]) => result !== "ok");
    return [name, `degraded (${failed.map(([check, result]) => `${check}: ${result}`).join("; ")})`];
  } catch (error) {
    return [name, `down (${error.cause?.code ?? error.name})`];
  }
}

/**
 * 200 when every service serves (`ready`, or `degraded` when one of them runs without a
 * dependency it can do without, the event bus), else 503 in the standard error body; each
 * service's state in `services` either way.
 */
export async function readiness(targets, requestId) {
  const services = Object.fromEntries(await Promise.all(targets.map(check)));
  const states = Object.values(services);
  const ready = states.every((state) => state === "ready" || state.startsWith("degraded"));
  const body = ready
    ? { status: states.every((state) => state === "ready") ? "ready" : "degraded", services }
    : { detail: "not every service is ready", error_code: "NOT_READY", status_code: 503, timestamp: new Date().toISOString(), request_id: requestId, services };
  return { status: ready ? 200 : 503, headers: ready ? {} : { "Retry-After": "5" }, body };
}
