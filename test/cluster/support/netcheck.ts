// Connection attempts from inside pods, for the NetworkPolicy matrix on a live
// namespace: from a running pod of the system (`kubectl exec`, Node's own
// net.connect, no shell needed: the prod images are distroless), or from a
// probe pod carrying the labels of a pod that is not running (a stray pod, a
// migration Job's pod).
import { eventually, kubectlJson, kubectlOk, run } from "./run";

/** What a TCP connect from inside a pod came to. */
export type Reach = "connected" | "refused" | "timeout" | "dns-failed";

/** Longer than an allowed connect needs, short enough for "fails within a few seconds". */
export const CONNECT_TIMEOUT_MS = 3_000;

// Prints one of the Reach words. A dropped SYN times out; a REJECT or a closed port is "refused".
const connectScript = `
const [host, port, ms] = process.argv.slice(1);
const s = require("node:net").connect({ host, port: Number(port) });
const done = (r) => { console.log(r); s.destroy(); process.exit(0); };
s.setTimeout(Number(ms), () => done("timeout"));
s.on("connect", () => done("connected"));
s.on("error", (e) => done(e.code === "ENOTFOUND" || e.code === "EAI_AGAIN" ? "dns-failed" : e.code === "ECONNREFUSED" ? "refused" : "timeout"));
`;

/** The node binary in the pod's image: distroless (prod) or the official node image (dev, the probe). */
async function nodeBinary(ns: string, pod: string): Promise<string> {
  const r = await run(process.env.KUBECTL || "kubectl", ["-n", ns, "exec", pod, "--", "/nodejs/bin/node", "-v"]);
  return r.code === 0 ? "/nodejs/bin/node" : "node";
}

/** A TCP connect from inside `pod` to host:port. */
export async function reachFrom(ns: string, pod: string, host: string, port: number): Promise<Reach> {
  const node = await nodeBinary(ns, pod);
  const out = await kubectlOk(
    ["-n", ns, "exec", pod, "--", node, "-e", connectScript, host, String(port), String(CONNECT_TIMEOUT_MS)],
    { timeoutMs: CONNECT_TIMEOUT_MS + 30_000 },
  );
  return out.trim() as Reach;
}

/** Whether a name resolves from inside `pod` (the pod's resolver: CoreDNS on 53/UDP, TCP as fallback). */
export async function resolvesFrom(ns: string, pod: string, name: string): Promise<boolean> {
  const node = await nodeBinary(ns, pod);
  const script = `require("node:dns").lookup(process.argv[1], (e) => console.log(e ? "dns-failed " + e.code : "resolved"))`;
  const out = await kubectlOk(["-n", ns, "exec", pod, "--", node, "-e", script, name], { timeoutMs: 60_000 });
  return out.trim() === "resolved";
}

/** A running pod of Deployment `app` (label app.kubernetes.io/name). */
export async function podOf(ns: string, app: string): Promise<string> {
  return eventually(async () => {
    const { items } = await kubectlJson(["-n", ns, "get", "pods", "-l", `app.kubernetes.io/name=${app}`]);
    const pod = items.find((p) => !p.metadata.deletionTimestamp && p.status?.phase === "Running");
    if (!pod) throw new Error(`no running ${app} pod in ${ns}`);
    return pod.metadata.name;
  }, 60_000);
}

/**
 * A pod with the given labels that only waits, from `image`, so connections can be tried
 * from it. It runs as the prod pods do (non-root, no privilege escalation, read-only root).
 */
export async function startProbePod(
  ns: string,
  name: string,
  labels: Record<string, string>,
  image: string,
): Promise<string> {
  const pod = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, labels },
    spec: {
      restartPolicy: "Never",
      automountServiceAccountToken: false,
      terminationGracePeriodSeconds: 0,
      securityContext: { runAsNonRoot: true, runAsUser: 65532, seccompProfile: { type: "RuntimeDefault" } },
      containers: [
        {
          name: "probe",
          image,
          // the image's entrypoint is node (distroless) or node's docker-entrypoint: either runs this
          args: ["-e", "setInterval(() => {}, 1 << 30)"],
          securityContext: {
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ["ALL"] },
          },
          resources: { requests: { cpu: "10m", memory: "32Mi" }, limits: { memory: "64Mi" } },
        },
      ],
    },
  };
  await kubectlOk(["-n", ns, "apply", "-f", "-"], { input: JSON.stringify(pod) });
  await kubectlOk(["-n", ns, "wait", "--for=condition=Ready", `pod/${name}`, "--timeout=120s"], {
    timeoutMs: 130_000,
  });
  return name;
}

/** The image a Deployment's first container runs. */
export async function imageOf(ns: string, deployment: string): Promise<string> {
  return kubectlOk(["-n", ns, "get", "deploy", deployment, "-o", "jsonpath={.spec.template.spec.containers[0].image}"]);
}
