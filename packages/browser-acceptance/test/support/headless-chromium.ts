import type { LaunchOptions } from "playwright-core";

/**
 * The system browser (package `chromium`), headless; the switches keep it off the network but for
 * the pages it is sent to. `chromium.launch` starts it on a new temporary profile (user-data dir),
 * deleted when it closes.
 */
export const HEADLESS_CHROMIUM: LaunchOptions = {
  executablePath: "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
};
