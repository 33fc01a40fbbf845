// End-to-end tests: Debian's Chromium (not a downloaded browser) against a real `dataml serve`
// that e2e/global-setup.ts starts on a free port with a fresh data directory. @playwright/test
// 1.64.1 drives Chromium 156, the version Debian ships.
import { defineConfig } from "@playwright/test";

export default defineConfig({
  testDir: "e2e",
  globalSetup: "./e2e/global-setup.ts",
  globalTeardown: "./e2e/global-teardown.ts",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 120_000,
  expect: { timeout: 15_000 },
  reporter: [["list"], ["html", { open: "never", outputFolder: "playwright-report" }]],
  outputDir: "test-results",
  use: {
    headless: true,
    launchOptions: { executablePath: process.env.DATAML_CHROMIUM ?? "/usr/bin/chromium", args: ["--no-sandbox"] },
    viewport: { width: 1280, height: 900 },
    screenshot: "only-on-failure",
    trace: "retain-on-failure",
  },
});
