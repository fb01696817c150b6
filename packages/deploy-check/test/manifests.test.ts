import { readFileSync } from "node:fs";
import path from "node:path";
import { healthRouter } from "@tollgate/service-kit";
import { repoRoot } from "@tollgate/test-harness";
import { parseAllDocuments } from "yaml";
import { authEnvSchema } from "../../../services/auth/src/config";
import { billingConfigSchema } from "../../../services/billing/src/config";
import { configSchema as gameConfigSchema } from "../../../services/game-realtime/src/config";
import { proxyConfigSchema } from "../../../services/proxy/src/config";
import { tokenConfigSchema } from "../../../services/token/src/config";

type Doc = { kind: string; metadata: { name: string }; spec: Record<string, unknown>; data?: Record<string, string> };

/** The port each service listens on when PORT is not set: what its image serves. */
const defaultPorts: Record<string, number> = {
  auth: authEnvSchema.shape.PORT.parse(undefined),
  token: tokenConfigSchema.shape.PORT.parse(undefined),
  proxy: proxyConfigSchema.shape.PORT.parse(undefined),
  "game-realtime": gameConfigSchema.shape.PORT.parse(undefined),
  billing: billingConfigSchema.shape.PORT.parse(undefined),
};

/** The probe routes every service gets from the shared HTTP app. */
const servedHealthPaths = (healthRouter({}, () => false).stack as { route?: { path: string } }[]).map((layer) => layer.route?.path);

function manifests(service: string): Doc[] {
  const text = readFileSync(path.join(repoRoot(), "infra", "k8s", `${service}.yaml`), "utf8");
  return parseAllDocuments(text).map((doc) => {
    if (doc.errors.length > 0) throw new Error(`${service}.yaml: ${doc.errors[0]?.message}`);
    return doc.toJS() as Doc;
  });
}

describe("Kubernetes manifests", () => {
  it.each(Object.keys(defaultPorts))("when %s is deployed, then its ports, probes, autoscaler and budget match what the service serves", (service) => {
    const docs = manifests(service);
    const kinds = docs.map((doc) => doc.kind).sort();
    expect(kinds).toEqual(["ConfigMap", "Deployment", "HorizontalPodAutoscaler", "PodDisruptionBudget", "Service"]);
    const deployment = docs.find((doc) => doc.kind === "Deployment") as Doc;
    const pod = (deployment.spec.template as { spec: Record<string, unknown> }).spec;
    const [container] = pod.containers as {
      ports: { name: string; containerPort: number }[];
      livenessProbe: { httpGet: { path: string; port: string } };
      readinessProbe: { httpGet: { path: string; port: string } };
      envFrom: { configMapRef: { name: string } }[];
      resources: { requests: Record<string, string>; limits: Record<string, string> };
    }[];
    if (!container) throw new Error("no container");

    const port = defaultPorts[service];
    expect(container.ports).toEqual([{ name: "http", containerPort: port }]);
    const config = docs.find((doc) => doc.kind === "ConfigMap") as Doc;
    expect(Number(config.data?.PORT)).toBe(port);
    expect(container.envFrom[0]?.configMapRef.name).toBe(config.metadata.name);

    expect(container.livenessProbe.httpGet).toEqual({ path: "/health/live", port: "http" });
    expect(container.readinessProbe.httpGet).toEqual({ path: "/health/ready", port: "http" });
    expect(servedHealthPaths).toEqual(expect.arrayContaining([container.livenessProbe.httpGet.path, container.readinessProbe.httpGet.path]));
    expect((pod.securityContext as { runAsNonRoot: boolean }).runAsNonRoot).toBe(true);
    expect(container.resources.requests.cpu).toBeTruthy();
    expect(container.resources.limits.memory).toBeTruthy();

    const svc = docs.find((doc) => doc.kind === "Service") as Doc;
    expect(svc.spec.ports).toEqual([{ name: "http", port, targetPort: "http" }]);
    const labels = (deployment.spec.selector as { matchLabels: Record<string, string> }).matchLabels;
    expect(svc.spec.selector).toEqual(labels);
    const pdb = docs.find((doc) => doc.kind === "PodDisruptionBudget") as Doc;
    expect((pdb.spec.selector as { matchLabels: Record<string, string> }).matchLabels).toEqual(labels);
    const hpa = docs.find((doc) => doc.kind === "HorizontalPodAutoscaler") as Doc;
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: "apps/v1", kind: "Deployment", name: deployment.metadata.name });
  });

  it("when the kustomization lists resources, then it lists every service's manifest", () => {
    const [kustomization] = parseAllDocuments(readFileSync(path.join(repoRoot(), "infra", "k8s", "kustomization.yaml"), "utf8")).map((doc) => doc.toJS() as { resources: string[] });
    expect(kustomization?.resources.sort()).toEqual(Object.keys(defaultPorts).map((service) => `${service}.yaml`).sort());
  });
});
