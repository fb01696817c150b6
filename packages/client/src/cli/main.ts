#!/usr/bin/env node
import { runCli } from "./program";

// exit() rather than waiting for the event loop: a game socket's back-off timer or a keep-alive
// connection must not hold a finished command open.
void runCli(process.argv.slice(2)).then((code) => process.exit(code));
