// Settings shared by jest.config.js (unit + integration) and jest.e2e.config.js.
/** @type {import('jest').Config} */
module.exports = {
  preset: "ts-jest",
  testEnvironment: "node",
  // Resolve workspace packages to their TypeScript sources, as tsx does in dev.
  moduleNameMapper: {
    "^@gacha/(proto|runtime|telemetry|database|migrate|testing)$": "<rootDir>/packages/$1/src",
    "^@gacha/runtime/dev-source-maps$": "<rootDir>/packages/runtime/src/dev-source-maps",
  },
  // Type errors are caught by `npm run typecheck` (tsc over sources and tests);
  // ts-jest only transpiles (isolatedModules), which keeps the suite fast.
  transform: {
    // Prisma's generated client: import() must become require() (see the file).
    "/src/generated/prisma/.+\\.ts$": "<rootDir>/scripts/jest-prisma-cjs.js",
    "^.+\\.ts$": ["ts-jest", { tsconfig: "<rootDir>/tsconfig.test.json" }],
    // jose ships ESM only; Node runs it through require(esm), Jest's module system
    // (without --experimental-vm-modules) needs it compiled to CommonJS.
    "/node_modules/jose/.+\\.js$": [
      "ts-jest",
      { tsconfig: { allowJs: true, module: "commonjs", target: "es2023", isolatedModules: true } },
    ],
  },
  transformIgnorePatterns: ["/node_modules/(?!jose/)"],
};
