import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // In-repo plug-ins (fixtures/plugins) import the SDK by its package name; the tests run it from
    // source, so a plug-in's ScanError is the one the scan under test checks for.
    alias: [
      { find: /^nhiscan\/plugin$/, replacement: fileURLToPath(new URL('src/plugin.ts', import.meta.url)) },
      { find: /^nhiscan$/, replacement: fileURLToPath(new URL('src/index.ts', import.meta.url)) },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Connector suites mock the network per file; isolate them.
    pool: 'forks',
  },
});
