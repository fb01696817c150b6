import { z } from "zod";

const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).default(3999),
  HOST: z.string().min(1).default("127.0.0.1"),
  /** The address clients know this upstream by; absolute links in its pages use it. */
  PUBLIC_URL: z.url().optional(),
});

export function loadDemoConfig(env: Record<string, string | undefined> = process.env) {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    process.stderr.write(`invalid configuration: ${parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ")}\n`);
    process.exit(78);
  }
  return parsed.data;
}
