/**
 * The first admin without SQL: `npm run create-admin -w @tollgate/auth-service -- --email ada@example.test`
 * (`create-admin:dev` from sources), or in the service's container
 * `node services/auth/dist/create-admin.js --email ada@example.test`. See create-admin.command.ts.
 */
import { runCreateAdmin } from "./create-admin.command";

runCreateAdmin(process.argv.slice(2), { env: process.env, stdin: process.stdin, stdout: process.stdout, stderr: process.stderr }).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`create-admin failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
