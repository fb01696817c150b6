export { createDemoApp } from "./app";
export { attachEchoSocket } from "./ws-echo";
