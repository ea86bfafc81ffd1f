import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { include: ['bench/**/*.bench-run.ts'], testTimeout: 120_000 },
});
