import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // One database server for the whole run (MONGODB_URI, else an embedded FerretDB); each file gets its own database.
    globalSetup: ["test/setup/global-db.ts"],
    testTimeout: 30_000,
    // Building FerretDB on a cold machine takes about a minute.
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
    pool: "forks",
    maxWorkers: 2,
  },
});
