// Starts `dataml serve` ($DATAML_BIN, else ../build/dataml) on a free port with a fresh data
// directory and its own admin password; the tests read the URL from DATAML_E2E_URL.
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const ADMIN = { username: "admin", password: "E2e-admin-pass-123" };
export const STATE_FILE = join(tmpdir(), "dataml-e2e-server.json");

export default async function globalSetup(): Promise<void> {
  const binary = process.env.DATAML_BIN ?? fileURLToPath(new URL("../../build/dataml", import.meta.url));
  const dataDir = mkdtempSync(join(tmpdir(), "dataml-e2e-"));
  const server = spawn(binary, ["serve", "--host", "127.0.0.1", "--port", "0", "--data-dir", dataDir], {
    env: {
      ...process.env,
      DATAML_ADMIN_USERNAME: ADMIN.username,
      DATAML_ADMIN_PASSWORD: ADMIN.password,
      DATAML_ACCESS_LOG: "0",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const log: string[] = [];
  const url = await new Promise<string>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`dataml did not start in 60 s:\n${log.join("")}`)), 60_000);
    server.stdout.on("data", (chunk: Buffer) => {
      log.push(chunk.toString());
      const m = /listening on (http:\/\/\S+)/.exec(log.join(""));
      if (m) {
        clearTimeout(timer);
        done(m[1]!);
      }
    });
    server.stderr.on("data", (chunk: Buffer) => log.push(chunk.toString()));
    server.on("exit", (code) => fail(new Error(`dataml exited (${code}):\n${log.join("")}`)));
  });
  server.stdout.removeAllListeners("data");
  server.stdout.resume();
  server.stderr.on("data", (chunk: Buffer) => process.stderr.write(chunk));
  process.env.DATAML_E2E_URL = url;
  writeFileSync(STATE_FILE, JSON.stringify({ pid: server.pid, dataDir, url }));
}
