import { z } from "zod";

/** Query-string booleans arrive as text; only "true" and "false" are accepted. */
export const queryBooleanSchema = z.enum(["true", "false"]).transform((value) => value === "true");

export const uuidParamSchema = z.object({ id: z.uuid() });
export type UuidParam = z.infer<typeof uuidParamSchema>;
