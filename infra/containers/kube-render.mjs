// Renders infra/k8s/<service>.yaml for `podman kube play` (podman 4.3), changing only what that
// podman cannot take as Kubernetes means it, and says what it leaves out:
//   - Service, HorizontalPodAutoscaler and PodDisruptionBudget are dropped: podman has no cluster
//     networking, autoscaler or eviction API (kube-play.sh gives each service's pods the network
//     alias the Service's name would be, so `http://auth:3001` still resolves to every replica);
//   - containerPort entries are dropped: podman 4.3 publishes each one on the host (3001-3005 are
//     taken on shared machines); probes name the port by number instead;
//   - httpGet probes become exec probes running the image's node (Kubernetes' kubelet does the
//     HTTP call; podman runs curl inside the container, and the images have none), written as one
//     shell string because podman 4.3 joins an exec probe into one CMD-SHELL line; at least 10 s for a
//     node start inside the container (5.7 s measured at a load average of 46);
//   - imagePullPolicy IfNotPresent: the images are local.
//   node infra/containers/kube-render.mjs <manifest> <out file>
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, "../../packages/deploy-check/package.json"));
const { parseAllDocuments, stringify } = require("yaml");

const [input, output] = process.argv.slice(2);
const dropped = new Set(["Service", "HorizontalPodAutoscaler", "PodDisruptionBudget"]);
const kept = [];
const skipped = [];

function probe(p, ports) {
  if (!p?.httpGet) return p;
  const port = typeof p.httpGet.port === "number" ? p.httpGet.port : ports[p.httpGet.port];
  if (port === undefined) throw new Error(`${input}: probe port ${p.httpGet.port} is not a containerPort`);
  const { httpGet: _httpGet, ...rest } = p;
  const script = `node -e "fetch('http://127.0.0.1:${port}${p.httpGet.path}').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"`;
  return { ...rest, exec: { command: [script] }, timeoutSeconds: Math.max(p.timeoutSeconds ?? 1, 10) };
}

for (const doc of parseAllDocuments(readFileSync(input, "utf8"))) {
  const object = doc.toJS();
  if (!object) continue;
  if (dropped.has(object.kind)) { skipped.push(`${object.kind}/${object.metadata.name}`); continue; }
  if (object.kind === "Deployment") {
    for (const container of object.spec.template.spec.containers) {
      const ports = Object.fromEntries((container.ports ?? []).map((p) => [p.name, p.containerPort]));
      delete container.ports;
      container.imagePullPolicy = "IfNotPresent";
      for (const key of ["livenessProbe", "readinessProbe", "startupProbe"]) if (container[key]) container[key] = probe(container[key], ports);
    }
  }
  kept.push(stringify(object));
}
writeFileSync(output, kept.join("---\n"));
console.log(skipped.join(" "));
