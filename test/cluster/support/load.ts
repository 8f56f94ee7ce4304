// Steady draw load through the gateway, and where it lands: each pod's own
// /metrics, read through the API server's pod proxy (works on any cluster, no
// port-forward per pod), and the pods' Ready times.
import { kubectlJson, kubectlOk } from "./run";

/** A draw the gateway answered 200: its Idempotency-Key and the draw id it returned. */
export interface KeyedDraw {
  key: string;
  drawId: string;
}

export interface LoadResult {
  ok: number;
  draws: KeyedDraw[];
  /** every answer other than 200, and every network error or timeout: "<key> <status>: <body>" or "<key> <error>" */
  failures: string[];
}

export interface SteadyLoad {
  /** successful draws so far */
  ok(): number;
  /** failures so far */
  failed(): number;
  stop(): Promise<LoadResult>;
}

/**
 * `concurrency` loops that each POST /draw (count 1) with the user's token and a fresh
 * Idempotency-Key until stopped, never retrying. Every request has a deadline; a 4xx is
 * counted as a failure too, since these requests are valid.
 */
export function steadyDraws(gatewayUrl: string, bearer: string, concurrency = 8): SteadyLoad {
  let running = true;
  let ok = 0;
  let sent = 0;
  const prefix = `load-${Date.now().toString(36)}`;
  const draws: KeyedDraw[] = [];
  const failures: string[] = [];
  const loop = async () => {
    while (running) {
      const key = `${prefix}-${sent++}`;
      try {
        const res = await fetch(`${gatewayUrl}/draw`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: bearer, "idempotency-key": key },
          body: JSON.stringify({ count: 1 }),
          signal: AbortSignal.timeout(10_000),
        });
        const body = await res.text();
        if (res.status === 200) {
          ok++;
          draws.push({ key, drawId: (JSON.parse(body) as { draw_id: string }).draw_id });
        } else failures.push(`${key} ${res.status}: ${body.slice(0, 200)}`);
      } catch (err) {
        const cause = (err as { cause?: { code?: string; message?: string } }).cause;
        failures.push(
          `${key} ${(err as Error).message}${cause ? ` (${cause.code ?? ""} ${cause.message ?? ""})` : ""}`,
        );
      }
    }
  };
  const loops = Array.from({ length: concurrency }, loop);
  return {
    ok: () => ok,
    failed: () => failures.length,
    async stop() {
      running = false;
      await Promise.all(loops);
      return { ok, draws, failures };
    },
  };
}

export interface ReadyPod {
  name: string;
  /** when its Ready condition last became True (ms since epoch) */
  readySince: number;
}

/** The Ready, not terminating pods of app `app` (label app.kubernetes.io/name). */
export async function readyPods(ns: string, app: string): Promise<ReadyPod[]> {
  const { items } = await kubectlJson(["-n", ns, "get", "pods", "-l", `app.kubernetes.io/name=${app}`]);
  return items
    .filter((p) => !p.metadata.deletionTimestamp)
    .flatMap((p) => {
      const ready = p.status?.conditions?.find((c) => c.type === "Ready");
      return ready?.status === "True"
        ? [{ name: p.metadata.name, readySince: Date.parse(ready.lastTransitionTime!) }]
        : [];
    });
}

/** A counter's value (summed over its label sets) in a Prometheus text exposition. */
export function counterValue(metrics: string, name: string): number {
  let total = 0;
  for (const line of metrics.split("\n")) {
    const m = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+]+)`).exec(line);
    if (m) total += Number(m[1]);
  }
  return total;
}

/** Each named pod's `gacha_draws_total`, from the pod's own metrics port through the API server. */
export async function drawsByPod(ns: string, pods: string[], metricsPort = 9464): Promise<Record<string, number>> {
  const entries = await Promise.all(
    pods.map(async (pod) => {
      const text = await kubectlOk([
        "get",
        "--raw",
        `/api/v1/namespaces/${ns}/pods/${pod}:${metricsPort}/proxy/metrics`,
      ]);
      return [pod, counterValue(text, "gacha_draws_total")] as const;
    }),
  );
  return Object.fromEntries(entries);
}

/** The gateway's Service as the node reaches it (its ClusterIP), or undefined on a cluster whose ClusterIPs this machine cannot route to. */
export async function gatewayClusterUrl(ns: string): Promise<string | undefined> {
  if (process.env.GACHA_CLUSTER_EXISTING === "1") return undefined;
  const ip = (await kubectlOk(["-n", ns, "get", "svc", "gateway", "-o", "jsonpath={.spec.clusterIP}"])).trim();
  return `http://${ip}:8080`;
}
