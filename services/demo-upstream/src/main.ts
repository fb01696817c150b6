import http from "node:http";
import { createDemoApp } from "./app";
import { loadDemoConfig } from "./config";
import { attachEchoSocket } from "./ws-echo";

const config = loadDemoConfig();
const server = http.createServer();
const publicUrl = () => config.PUBLIC_URL ?? `http://${config.HOST}:${(server.address() as { port: number }).port}`;
server.on("request", createDemoApp(publicUrl));
attachEchoSocket(server);
server.listen(config.PORT, config.HOST, () => {
  process.stdout.write(`${JSON.stringify({ level: "info", service: "demo-upstream", message: "listening", url: publicUrl() })}\n`);
});
const stop = () => server.close(() => process.exit(0));
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
