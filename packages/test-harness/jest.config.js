module.exports = { preset: "./jest-preset.js", testMatch: ["<rootDir>/src/**/*.test.ts"] };
