/** Stops the containers the global setup started (containers mode only). */
export default async function globalTeardown(): Promise<void> {
  const stop = (globalThis as { __tollgateStopContainers?: () => Promise<void> }).__tollgateStopContainers;
  if (stop) await stop();
}
