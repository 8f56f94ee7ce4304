// bench:reload's cluster mode (RELOAD_WHERE=cluster): the real `skaffold dev`
// on the cluster the kube-context names (scripts/cluster/up.sh --print-env for
// this project's one), in a copy of the repository. Each sample: write an edit
// of a service's .ts file -> first response with the new behaviour through
// Skaffold's own port-forward. Skaffold's watch quiet period (skaffold.env),
// its sync (`kubectl exec … tar` through the API server) and nodemon's restart
// are all inside the number: it is what a user waits for after a save.
// The phases come from skaffold dev's own output, timed as it arrives: its "Syncing
// N files" line, then the pod's nodemon and listen lines (Skaffold streams the pod
// logs through the API server, so these lag the pod by that stream's latency).
import fs from "node:fs";
import path from "node:path";
import { EDITS, waitForMarker } from "../test/container/support/edits";
import { createNamespace, deleteNamespace, repoCopy } from "../test/cluster/support/cluster";
import { background, kubeContext } from "../test/cluster/support/run";
import { restartPhases, type TimedLine } from "./lib/restart-phases";

// the three services a draw crosses, as the container and host rows measure them
type Service = "gacha" | "item" | "gateway";
const REMOTE_PORT: Record<Service, number> = { gateway: 8080, gacha: 50051, item: 50052 };

export interface ClusterSample {
  total: number;
  /** the save itself (writeFile), as in the host rows */
  write: number;
  /** from t0 to Skaffold's "Syncing N files" (its watcher, quiet period and dependency check) */
  sync?: number;
  /** from t0 to nodemon's "restarting due to changes" (the sync's kubectl exec done) */
  detect?: number;
  /** from t0 to the new process's listen line (the rest of total: the port-forward and the probe) */
  listening?: number;
}

/** Skaffold's "Syncing N files" line (its watcher, quiet period and dependency check), then the restart. */
function phases(lines: TimedLine[], t0: number): Omit<ClusterSample, "total" | "write"> {
  const after = lines.filter((l) => l.t >= t0);
  const sync = after.find((l) => /Syncing \d+ files? for/.test(l.line));
  return { sync: sync && sync.t - t0, ...restartPhases(after, t0) };
}

export async function benchCluster(
  n: number,
  timeoutMs = 60_000,
): Promise<{ service: Service; samples: ClusterSample[] }[]> {
  const ns = await createNamespace("bench");
  const copy = repoCopy();
  const dev = background("skaffold", ["dev", "-n", ns, ...(kubeContext ? [`--kube-context=${kubeContext}`] : [])], {
    cwd: copy.dir,
  });
  const lines: TimedLine[] = [];
  const onData = (d: Buffer) => {
    const t = Date.now();
    for (const line of d.toString("utf8").split("\n")) if (line) lines.push({ t, line });
  };
  dev.child.stdout!.on("data", onData);
  dev.child.stderr!.on("data", onData);
  try {
    console.error(`bench:reload: skaffold dev into namespace ${ns} (builds the dev images on a cold cache)`);
    await dev.waitFor(/Press Ctrl\+C to exit/, 20 * 60_000);
    const rows: { service: Service; samples: ClusterSample[] }[] = [];
    for (const service of ["gacha", "item", "gateway"] as Service[]) {
      const m = await dev.waitFor(
        new RegExp(
          `Port forwarding service/${service} in namespace ${ns}, remote port ${REMOTE_PORT[service]} -> \\S*?127\\.0\\.0\\.1:(\\d+)`,
        ),
        60_000,
      );
      const addr = `127.0.0.1:${m[1]}`;
      const edit = EDITS[service];
      const file = path.join(copy.dir, edit.file);
      const original = fs.readFileSync(file, "utf8");
      const samples: ClusterSample[] = [];
      try {
        for (let i = 0; i < n; i++) {
          const marker = `bench${i}x${Date.now().toString(36)}`;
          const t0 = Date.now();
          fs.writeFileSync(file, edit.apply(original, marker));
          const write = Date.now() - t0;
          const total = await waitForMarker(edit, addr, marker, t0, timeoutMs, 20);
          // let the next save be a new burst for Skaffold's watcher (and its log lines arrive)
          await new Promise((r) => setTimeout(r, 1_000));
          samples.push({ total, write, ...phases(lines, t0) });
        }
      } finally {
        fs.writeFileSync(file, original);
        await waitForMarker(edit, addr, "", Date.now(), timeoutMs, 50);
      }
      rows.push({ service, samples });
    }
    return rows;
  } finally {
    await dev.stop("SIGINT");
    copy.remove();
    await deleteNamespace(ns);
  }
}
