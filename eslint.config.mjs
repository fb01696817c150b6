// One lint configuration for every workspace; each package runs `eslint src` (and `test`).
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["**/dist/**", "**/node_modules/**", "**/coverage/**"] },
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-console": "error",
    },
  },
  {
    files: ["**/*.test.ts", "**/test/**/*.ts", "**/bench/**/*.ts", "**/scripts/**/*.ts"],
    rules: { "no-console": "off" },
  },
);
