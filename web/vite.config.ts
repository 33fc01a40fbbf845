/// <reference types="vitest/config" />
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// The build goes where the server's CMake target asks (DATAML_CONSOLE_OUT), else dist/.
const outDir = process.env.DATAML_CONSOLE_OUT ?? "dist";

export default defineConfig({
  plugins: [react()],
  build: {
    outDir,
    emptyOutDir: true,
    sourcemap: false,
    // Charts are the heaviest dependency: a chunk of their own, loaded by the pages that draw.
    chunkSizeWarningLimit: 700,
  },
  // `npm run dev` proxies the API to a running `dataml serve` (DATAML_API, else port 8000).
  server: {
    proxy: {
      "/api": process.env.DATAML_API ?? "http://127.0.0.1:8000",
      "/openapi.json": process.env.DATAML_API ?? "http://127.0.0.1:8000",
    },
  },
  test: {
    environment: "jsdom",
    globals: true,
    setupFiles: ["src/test/setup.ts"],
    include: ["src/**/*.test.{ts,tsx}"],
  },
});
