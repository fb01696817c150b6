import Transport from "winston-transport";

/** A winston transport that keeps every line as the JSON text that would reach stdout. */
export class CaptureTransport extends Transport {
  readonly lines: string[] = [];

  override log(info: unknown, next: () => void): void {
    const message = (info as Record<symbol, unknown>)[Symbol.for("message")];
    this.lines.push(typeof message === "string" ? message : JSON.stringify(info));
    next();
  }

  text(): string {
    return this.lines.join("\n");
  }
}
