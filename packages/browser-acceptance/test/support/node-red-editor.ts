import { randomUUID } from "node:crypto";
import type { Page } from "playwright-core";

/** The editor's parts, which show as its scripts finish loading. */
const EDITOR_PARTS = ['#red-ui-palette .red-ui-palette-node[data-palette-type="inject"]', "#red-ui-workspace-chart", "#red-ui-workspace-tabs .red-ui-tab", "#red-ui-header-button-deploy"];

/** Waits for each part of the Node-RED editor to be visible: palette, workspace, its tab, Deploy. */
export async function waitForEditor(page: Page): Promise<void> {
  for (const part of EDITOR_PARTS) await page.locator(part).first().waitFor({ state: "visible" });
}

/** The flow the tests deploy: an inject node wired to a debug node that writes `greeting` to the sidebar. */
export function injectDebugFlow(greeting = `hello through the gate ${randomUUID()}`) {
  const nodes = [
    { id: "tollgatetab", type: "tab", label: "Through the gate", disabled: false, info: "" },
    { id: "tollgateinject", type: "inject", z: "tollgatetab", name: "greet", props: [{ p: "payload" }], payload: greeting, payloadType: "str", repeat: "", once: false, x: 160, y: 100, wires: [["tollgatedebug"]] },
    { id: "tollgatedebug", type: "debug", z: "tollgatetab", name: "shown", active: true, tosidebar: true, console: false, complete: "payload", x: 420, y: 100, wires: [] },
  ];
  return { greeting, nodes };
}

/**
 * Deploys `nodes` with the page's own fetch, as the editor's Deploy button would send it: with
 * whatever the browser adds by itself (a cookie on the app origin, nothing through the
 * connector). Resolves with the status Node-RED answered.
 */
export function deployFromPage(page: Page, nodes: unknown[]): Promise<number> {
  return page.evaluate(async (flow) => {
    const res = await fetch("/flows", { method: "POST", headers: { "Content-Type": "application/json", "Node-RED-Deployment-Type": "full" }, body: JSON.stringify(flow) });
    return res.status;
  }, nodes);
}

/**
 * Reloads the editor (to show the deployed flow), opens the debug sidebar and clicks the inject
 * node's button; resolves with the text of the message the debug node shows.
 */
export async function injectAndReadDebug(page: Page): Promise<string> {
  await page.reload();
  // Each node in the workspace is an SVG group whose id is the node's id.
  const injectButton = page.locator("#red-ui-workspace-chart #tollgateinject rect.red-ui-flow-node-button-button");
  await injectButton.waitFor({ state: "visible" });
  await page.locator("#red-ui-tab-debug-link-button").click();
  await injectButton.click();

  const message = page.locator(".red-ui-debug-msg-node-tollgatedebug .red-ui-debug-msg-payload");
  await message.waitFor({ state: "visible" });
  return (await message.textContent()) ?? "";
}
