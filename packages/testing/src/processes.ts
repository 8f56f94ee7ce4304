import { execFile } from "node:child_process";
import net from "node:net";

/** A port that was free a moment ago (for a child process that cannot report port 0 back). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface Finished {
  /** The exit code; null when it was killed (a signal, or the timeout). */
  code: number | null;
  /** stdout then stderr, as a terminal shows them. */
  output: string;
  ms: number;
}

/** Runs a command to its end, bounded in time, and never throws on a non-zero exit. */
export function runToEnd(
  command: string,
  args: string[],
  opts: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number },
): Promise<Finished> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { cwd: opts.cwd, env: opts.env, timeout: opts.timeoutMs, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) =>
        resolve({
          code: err ? (typeof err.code === "number" ? err.code : null) : 0,
          output: `${stdout}${stderr}`,
          ms: Date.now() - t0,
        }),
    );
  });
}
