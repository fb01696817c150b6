/** `import("oidc-provider")`, kept a real dynamic import (see load-oidc-provider.js). */
export function loadOidcProvider(): Promise<typeof import("oidc-provider")>;
