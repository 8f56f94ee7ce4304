// createLogger in a child process: stdout's TTY-ness and whether pino-pretty
// can be resolved are properties of a process, so each case gets its own,
// set up by preloads in test/support (pino itself is the real one).
import { spawnSync } from "node:child_process";
import path from "node:path";
import type { LoggerOptions } from "../src/logger";

const repoRoot = path.resolve(__dirname, "../../..");
const support = (file: string) => path.join(__dirname, "support", file);
const TTY = support("tty-stdout.js");
const NO_PINO_PRETTY = support("no-pino-pretty.js");

const script = `
  const { createLogger } = require(${JSON.stringify(path.join(__dirname, "../src/logger.ts"))});
  createLogger("svc", JSON.parse(process.env.LOGGER_OPTIONS)).info("hello");
`;

function runLogger(preloads: string[], options: LoggerOptions) {
  const result = spawnSync(
    process.execPath,
    [...preloads.flatMap((p) => ["--require", p]), "--require", "tsx/cjs", "-e", script],
    {
      cwd: repoRoot,
      env: { ...process.env, LOGGER_OPTIONS: JSON.stringify(options) },
      encoding: "utf8",
      timeout: 20_000,
    },
  );
  const lines = result.stdout.split("\n").filter(Boolean);
  return { status: result.status, stderr: result.stderr, lines };
}

const parseAll = (lines: string[]) => lines.map((line) => JSON.parse(line) as Record<string, unknown>);

describe("createLogger's output format", () => {
  it("when stdout is a TTY and pino-pretty cannot be resolved, then it logs JSON and does not throw", () => {
    const run = runLogger([TTY, NO_PINO_PRETTY], {});
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    // Not asked for by name, so no warning: just the JSON line.
    expect(parseAll(run.lines)).toEqual([expect.objectContaining({ level: 30, service: "svc", msg: "hello" })]);
  });

  it("when pretty is asked for and pino-pretty cannot be resolved, then one warning says so and it logs JSON", () => {
    const run = runLogger([NO_PINO_PRETTY], { format: "pretty" });
    expect(run.status).toBe(0);
    expect(parseAll(run.lines)).toEqual([
      expect.objectContaining({ level: 40, msg: expect.stringMatching(/pino-pretty is not installed.*logging JSON/) }),
      expect.objectContaining({ level: 30, msg: "hello" }),
    ]);
  });

  it("when stdout is a TTY and pino-pretty is installed, then it logs for a person, not JSON", () => {
    const run = runLogger([TTY], {});
    expect(run.status).toBe(0);
    // eslint-disable-next-line no-control-regex -- pino-pretty colours its output
    const text = run.lines.join("\n").replace(/\x1b\[[0-9;]*m/g, "");
    expect(text).toMatch(/INFO.*\(svc\): hello/);
    expect(run.lines[0]?.startsWith("{")).toBe(false);
  });

  it("when json is asked for at a TTY with pino-pretty installed, then it logs JSON", () => {
    const run = runLogger([TTY], { format: "json" });
    expect(run.status).toBe(0);
    expect(parseAll(run.lines)).toEqual([expect.objectContaining({ msg: "hello" })]);
  });
});
