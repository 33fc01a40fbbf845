import { readFileSync, rmSync } from "node:fs";
import { STATE_FILE } from "./global-setup";

export default async function globalTeardown(): Promise<void> {
  const { pid, dataDir } = JSON.parse(readFileSync(STATE_FILE, "utf8")) as { pid: number; dataDir: string };
  try {
    process.kill(pid, "SIGTERM");
  } catch {
    // already gone
  }
  for (let i = 0; i < 100; i++) {
    try {
      process.kill(pid, 0);
      await new Promise((r) => setTimeout(r, 100));
    } catch {
      break;
    }
  }
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(STATE_FILE, { force: true });
}
