import { randomUUID } from "node:crypto";
import type { CloudEvent } from "@tollgate/contracts";
import { currentRequestId } from "../request-context";

export interface NewEvent<TData> {
  /** e.g. "/tollgate/token" */
  source: string;
  type: string;
  subject?: string;
  data: TData;
  correlationId?: string;
}

/** A CloudEvents 1.0 envelope; the correlation id defaults to the current request id. */
export function createEvent<TData>({ source, type, subject, data, correlationId }: NewEvent<TData>): CloudEvent & { data: TData } {
  const correlation = correlationId ?? currentRequestId();
  return {
    specversion: "1.0",
    id: randomUUID(),
    source,
    type,
    time: new Date().toISOString(),
    datacontenttype: "application/json",
    ...(subject === undefined ? {} : { subject }),
    ...(correlation === undefined ? {} : { correlationid: correlation }),
    data,
  };
}
