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

async function check({ name, url }) {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    return [name, res.ok ? "ready" : `not ready (${res.status})`];
  } catch (error) {
    return [name, `down (${error.cause?.code ?? error.name})`];
  }
}

/** 200 when all are ready, else 503 in the standard error body with each service's state. */
export async function readiness(targets, requestId) {
  const services = Object.fromEntries(await Promise.all(targets.map(check)));
  const ready = Object.values(services).every((state) => state === "ready");
  const body = ready
    ? { status: "ready", services }
    : { detail: "not every service is ready", error_code: "NOT_READY", status_code: 503, timestamp: new Date().toISOString(), request_id: requestId, services };
  return { status: ready ? 200 : 503, headers: ready ? {} : { "Retry-After": "5" }, body };
}
