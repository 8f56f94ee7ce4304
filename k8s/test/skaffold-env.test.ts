// skaffold.env: Skaffold loads it from the working directory and turns SKAFFOLD_<FLAG>
// variables into flags (cmd/skaffold/app/cmd/cmd.go). It shortens the notify trigger's
// quiet period (--watch-poll-interval, default 1000 ms) so plain `skaffold dev` syncs fast.
import { parseEnv } from "node:util";
import { readRepoFile, repoFiles } from "./support/repo";

describe("skaffold.env", () => {
  it("when skaffold starts in the repository root, then a skaffold.env is there to load", () => {
    expect(repoFiles()).toContain("skaffold.env");
  });

  it("when parsed as a dotenv file, then every variable is a SKAFFOLD_ flag variable", () => {
    const vars = parseEnv(readRepoFile("skaffold.env"));
    expect(Object.keys(vars).length).toBeGreaterThan(0);
    expect(Object.keys(vars).filter((k) => !/^SKAFFOLD_[A-Z0-9_]+$/.test(k))).toEqual([]);
  });

  it("when skaffold dev watches, then the quiet period is 50-300 ms (short, but still groups an atomic save)", () => {
    const value = parseEnv(readRepoFile("skaffold.env")).SKAFFOLD_WATCH_POLL_INTERVAL;
    expect(value).toMatch(/^\d+$/);
    expect(Number(value)).toBeGreaterThanOrEqual(50);
    expect(Number(value)).toBeLessThanOrEqual(300);
  });
});
