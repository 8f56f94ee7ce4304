// Summarises .cpuprofile files written by `BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=DIR"`:
// per profile, the service it belongs to, then the top functions by self time,
// self time grouped by package (or file outside node_modules), and the top
// functions by inclusive time (a function's samples counted once per stack).
//   tsx bench/profile-summary.ts DIR_OR_FILES... [--top 15]
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const args = process.argv.slice(2);
const topIdx = args.indexOf("--top");
const top = topIdx >= 0 ? Number(args.splice(topIdx, 2)[1]) : 15;
const files = args.flatMap((a) =>
  statSync(a).isDirectory()
    ? readdirSync(a)
        .filter((f) => f.endsWith(".cpuprofile"))
        .map((f) => path.join(a, f))
    : [a],
);

/** "pkg" for node_modules/pkg or node_modules/@scope/pkg; repo-relative file otherwise; "(node)" for node: internals. */
function owner(url: string): string {
  if (!url) return "(native/vm)";
  if (url.startsWith("node:")) return "(node internals)";
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1]!;
  const rel = url.replace(/^file:\/\//, "").replace(/^.*?\/(services|packages)\//, "$1/");
  return rel;
}

const label = (f: CallFrame) =>
  `${f.functionName || "(anonymous)"} ${owner(f.url)}${f.url && !f.url.includes("node_modules") ? "" : ""}:${f.lineNumber + 1}`;
const pct = (n: number, total: number) => `${((100 * n) / total).toFixed(1).padStart(5)} %`;

function table(title: string, m: Map<string, number>, total: number, n = top) {
  console.log(`  ${title}`);
  for (const [k, v] of [...m].sort((a, b) => b[1] - a[1]).slice(0, n)) console.log(`    ${pct(v, total)}  ${k}`);
}

for (const file of files) {
  const p = JSON.parse(readFileSync(file, "utf8")) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const service =
    /services\/(\w+)\/dist/.exec(
      p.nodes.map((n) => n.callFrame.url).find((u) => /services\/\w+\/dist/.test(u)) ?? "",
    )?.[1] ?? "?";

  // Sample weights: time deltas (µs) attributed to the sampled node.
  const selfUs = new Map<number, number>();
  let totalUs = 0;
  p.samples.forEach((id, i) => {
    const dt = Math.max(0, p.timeDeltas[i] ?? 0);
    selfUs.set(id, (selfUs.get(id) ?? 0) + dt);
    totalUs += dt;
  });
  const idleUs = [...selfUs]
    .filter(([id]) => byId.get(id)!.callFrame.functionName === "(idle)")
    .reduce((s, [, v]) => s + v, 0);
  const busy = totalUs - idleUs;

  const selfFn = new Map<string, number>();
  const selfPkg = new Map<string, number>();
  const incl = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const node = byId.get(id)!;
    if (node.callFrame.functionName === "(idle)") continue;
    selfFn.set(label(node.callFrame), (selfFn.get(label(node.callFrame)) ?? 0) + us);
    const o = node.callFrame.functionName === "(garbage collector)" ? "(garbage collector)" : owner(node.callFrame.url);
    selfPkg.set(o, (selfPkg.get(o) ?? 0) + us);
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const l = label(byId.get(cur)!.callFrame);
      if (seen.has(l)) continue;
      seen.add(l);
      incl.set(l, (incl.get(l) ?? 0) + us);
    }
  }
  for (const k of ["(root) (native/vm):0"]) incl.delete(k);
  console.log(
    `\n== ${service}  (${path.basename(file)}): ${(totalUs / 1e6).toFixed(1)} s profiled, busy ${(busy / 1e6).toFixed(2)} s (${pct(busy, totalUs).trim()}); percentages of busy time`,
  );
  table("self time by package / file", selfPkg, busy);
  table("self time by function", selfFn, busy);
  table("inclusive time by function", incl, busy, top + 10);
}
