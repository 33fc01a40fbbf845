// The JavaScript a first visit downloads: the scripts index.html loads and the modules it
// preloads, gzipped (as the server sends them). Prints the figure and fails over the budget.
import { readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const BUDGET_BYTES = 300 * 1024;
const outDir = process.env.DATAML_CONSOLE_OUT ?? "dist";
const html = readFileSync(join(outDir, "index.html"), "utf8");
const scripts = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+\.js)"/g)].map((m) => m[1]);
let total = 0;
for (const src of new Set(scripts)) {
  const path = join(outDir, src);
  const gz = existsSync(`${path}.gz`) ? readFileSync(`${path}.gz`) : gzipSync(readFileSync(path));
  total += gz.length;
  console.log(`  ${src}: ${(gz.length / 1024).toFixed(1)} kB gzipped`);
}
console.log(`first load: ${(total / 1024).toFixed(1)} kB of JavaScript gzipped (budget ${BUDGET_BYTES / 1024} kB)`);
if (total > BUDGET_BYTES) {
  console.error("over the first-load budget");
  process.exit(1);
}
