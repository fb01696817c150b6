import type { BrowserContext, Page } from "playwright-core";

/** One WebSocket the page opened, as the page saw it (times from the page's Date.now()). */
export interface SocketRecord {
  url: string;
  openedAt: number | null;
  closedAt: number | null;
  code: number | null;
  reason: string;
}

declare global {
  interface Window {
    __tollgateSockets?: SocketRecord[];
  }
}

/**
 * Runs in the page before its own scripts (page.addInitScript): wraps window.WebSocket so every
 * socket's open and close, with the close code, is kept in window.__tollgateSockets. The
 * browser's frame events, which the observer below uses, carry no close code.
 */
export function recordWebSocketCloses(): void {
  const Native = window.WebSocket;
  const records: SocketRecord[] = [];
  window.__tollgateSockets = records;
  class RecordedWebSocket extends Native {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      const record: SocketRecord = { url: this.url, openedAt: null, closedAt: null, code: null, reason: "" };
      records.push(record);
      this.addEventListener("open", () => {
        record.openedAt = Date.now();
      });
      this.addEventListener("close", (event) => {
        record.closedAt = Date.now();
        record.code = event.code;
        record.reason = event.reason;
      });
    }
  }
  window.WebSocket = RecordedWebSocket;
}

/**
 * Everything a page does that the acceptance test judges: console errors, page errors, responses
 * of 400 and above, failed requests, requests to any origin but the app's (aborted: nothing
 * leaves the machine), and the frames of the Node-RED editor's /comms socket.
 */
export class PageObserver {
  readonly consoleErrors: string[] = [];
  readonly badResponses: string[] = [];
  readonly failedRequests: string[] = [];
  readonly outsideRequests: string[] = [];
  readonly commsSent: string[] = [];
  readonly commsReceived: string[] = [];
  readonly commsUrls: string[] = [];

  static async attach(context: BrowserContext, page: Page, appOrigin: string): Promise<PageObserver> {
    const observer = new PageObserver();
    await context.route(
      (url) => url.origin !== appOrigin,
      (route) => {
        observer.outsideRequests.push(route.request().url());
        return route.abort("blockedbyclient");
      },
    );
    await page.addInitScript(recordWebSocketCloses);
    page.on("console", (message) => {
      if (message.type() === "error") observer.consoleErrors.push(`${message.text()} (${message.location().url})`);
    });
    page.on("pageerror", (error) => observer.consoleErrors.push(`page error: ${error.message}`));
    page.on("response", (response) => {
      if (response.status() >= 400) observer.badResponses.push(`${response.status()} ${response.request().method()} ${response.url()}`);
    });
    page.on("requestfailed", (request) => {
      const reason = request.failure()?.errorText ?? "failed";
      // ERR_ABORTED is the browser cancelling a request itself (the test reloads the page); a
      // connection the gate drops or resets fails with another code and is kept.
      if (reason !== "net::ERR_ABORTED") observer.failedRequests.push(`${request.method()} ${request.url()}: ${reason}`);
    });
    page.on("websocket", (socket) => {
      if (new URL(socket.url()).pathname !== "/comms") return;
      observer.commsUrls.push(socket.url());
      socket.on("framesent", (frame) => observer.commsSent.push(String(frame.payload)));
      socket.on("framereceived", (frame) => observer.commsReceived.push(String(frame.payload)));
    });
    return observer;
  }

  /** Everything that should never happen while the token is good, in one list for one assertion. */
  problems(): string[] {
    return [...this.consoleErrors, ...this.badResponses, ...this.failedRequests, ...this.outsideRequests.map((url) => `outside request: ${url}`)];
  }
}
