import { z } from "zod";

/**
 * CloudEvents 1.0, structured JSON mode. `data` is checked separately against the schema of
 * the event's `type`, so a consumer can tell a broken envelope from an unknown or broken payload.
 */
export const cloudEventSchema = z.object({
  specversion: z.literal("1.0"),
  id: z.string().min(1).max(200),
  source: z.string().min(1).max(500),
  type: z.string().min(1).max(200),
  time: z.iso.datetime({ offset: true }),
  subject: z.string().max(500).optional(),
  datacontenttype: z.literal("application/json").optional(),
  correlationid: z.string().max(200).optional(),
  data: z.unknown(),
});
export type CloudEvent = z.infer<typeof cloudEventSchema>;

/** An envelope whose `data` has been parsed with its type's schema. */
export type TypedCloudEvent<TData> = Omit<CloudEvent, "data"> & { data: TData };
