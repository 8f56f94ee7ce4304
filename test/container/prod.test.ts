// Container tier, prod images (what `skaffold run -p prod` builds): non-root,
// read-only root FS, no capabilities; no TypeScript sources, dev dependencies,
// compilers, package managers or shell inside; the startup commands serve and
// the migration Jobs' command works, against the MariaDB stand-in; a user signed in
// at auth draws through the gateway.
import fs from "node:fs";
import path from "node:path";
import { credentials, makeGenericClientConstructor, Metadata, type Client, type ServiceError } from "@grpc/grpc-js";
import { service as healthService } from "grpc-health-check";
import { render, type K8sObject } from "../../k8s/test/support/repo";
import { containerRun } from "./support/manifests";
import {
  ALL_SERVICES,
  buildMariadbImage,
  buildServiceImage,
  imageInfo,
  imageName,
  podman,
  podmanRaw,
  Scope,
  waitFor,
  type AnyService,
  type BuildReport,
} from "./support/podman";
import { runToCompletion, signUp, startMysql, startService } from "./support/system";

const builds: BuildReport[] = [];
const mounts: Partial<Record<AnyService, string>> = {};
const scope = new Scope();
const addr: Partial<Record<AnyService, string>> = {};
const names: Partial<Record<AnyService, string>> = {};
let network = "";

/**
 * prod reads the database URLs and auth's signing key from Secrets the operator creates (the
 * prod overlay generates none): here they are the dev overlay's, renamed as prod references them.
 */
const operatorSecrets = (): K8sObject[] =>
  render("dev")
    .filter((o) => o.kind === "Secret" && /^((gacha|item|auth)-database|auth-signing-key)-/.test(o.metadata.name))
    .map((o) => ({ ...o, metadata: { ...o.metadata, name: o.metadata.name.replace(/-[a-z0-9]+$/, "") } }));

beforeAll(async () => {
  builds.push(await buildMariadbImage());
  for (const svc of ALL_SERVICES) builds.push(await buildServiceImage(svc, "prod"));
  for (const svc of ALL_SERVICES) mounts[svc] = await podman(["image", "mount", imageName(svc, "prod")]);
  console.log(
    `container tier (prod): builds ${builds.map((b) => `${b.image} ${(b.ms / 1000).toFixed(1)}s`).join(", ")}`,
  );
}, 900_000);

afterAll(async () => {
  await scope.cleanup();
  for (const svc of ALL_SERVICES)
    if (mounts[svc]) await podmanRaw(["image", "unmount", imageName(svc, "prod")], { timeoutMs: 30_000 });
}, 120_000);

/** Every path in the image (no symlink followed), relative to its root. */
function walk(root: string): string[] {
  const out: string[] = [];
  const stack = [""];
  for (let guard = 0; stack.length && guard < 1_000_000; guard++) {
    const rel = stack.pop()!;
    for (const e of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const p = rel ? `${rel}/${e.name}` : e.name;
      out.push(p);
      if (e.isDirectory()) stack.push(p);
    }
  }
  return out;
}

describe.each([...ALL_SERVICES])("prod image of %s", (svc) => {
  it("when inspected, then it runs the compiled main.js with distroless node as 65532:65532", async () => {
    const [info] = JSON.parse(await podman(["image", "inspect", imageName(svc, "prod")])) as {
      Config: { User: string; Entrypoint: string[]; Cmd: string[]; WorkingDir: string };
    }[];
    expect(info!.Config.User).toBe("65532:65532");
    expect(info!.Config.Entrypoint).toEqual(["/nodejs/bin/node"]);
    // services/node.Dockerfile: the service's folder is the working directory (an exec-form CMD
    // cannot expand the SERVICE build arg); that dist/main.js is there is checked below
    expect(info!.Config.WorkingDir).toBe(`/app/services/${svc}`);
    expect(info!.Config.Cmd).toEqual(["dist/main.js"]);
  });

  it("when its files are listed, then there is no TypeScript source, dev dependency, compiler, package manager or shell", () => {
    const files = walk(mounts[svc]!);
    expect(files.length).toBeGreaterThan(500);
    const ts = files.filter(
      (f) => /\.(c|m)?ts$/.test(f) && !/\.d\.(c|m)?ts$/.test(f) && !f.split("/").includes("node_modules"),
    );
    expect(ts).toEqual([]);
    const devDeps = [
      "typescript",
      "tsx",
      "jest",
      "ts-jest",
      "prisma",
      "@bufbuild/buf",
      "ts-proto",
      "nodemon",
      "supertest",
      "pino-pretty",
      "@prisma/internals",
      "concurrently",
      "esbuild",
    ];
    expect(devDeps.filter((d) => files.includes(`app/node_modules/${d}`))).toEqual([]);
    const tools = files.filter((f) =>
      /(^|\/)(npm|npx|corepack|yarn|pnpm|npm-cli\.js|tsc|sh|bash|dash|busybox|apt|apt-get|dpkg|gcc|cc|make|python3?)$/.test(
        f,
      ),
    );
    expect(tools).toEqual([]);
    expect(files).toContain(`app/services/${svc}/dist/main.js`);
  });
});

describe("prod containers against MariaDB", () => {
  beforeAll(async () => {
    network = await scope.network();
    await startMysql(scope, network);
  }, 120_000);

  it("when the manifests are read, then the prod containers run as 65532 with a read-only root FS (the flags below are derived from them)", () => {
    for (const svc of ALL_SERVICES) {
      const run = containerRun("prod", "Deployment", svc, svc, false, operatorSecrets());
      expect({ svc, user: run.user, readOnly: run.readOnly }).toEqual({ svc, user: "65532:65532", readOnly: true });
    }
  });

  it("when the migration Jobs' commands (prod render) run from the prod images, then they apply the migrations and the init containers' status check passes", async () => {
    for (const svc of ["gacha", "item", "auth"] as const) {
      const job = render("prod").find((o) => o.kind === "Job" && o.metadata.name === `${svc}-migrate`)!;
      expect(job.spec.template.spec.containers[0].command).toEqual([
        "/nodejs/bin/node",
        "packages/migrate/dist/cli.js",
      ]);
      const out = await runToCompletion(scope, network, imageName(svc, "prod"), {
        overlay: "prod",
        kind: "Job",
        workload: `${svc}-migrate`,
        container: "migrate",
        extra: operatorSecrets(),
      });
      expect(out).toMatch(/applied \d+ migration/);
      await runToCompletion(scope, network, imageName(svc, "prod"), {
        overlay: "prod",
        kind: "Deployment",
        workload: svc,
        container: "wait-for-schema",
        init: true,
        extra: operatorSecrets(),
      });
    }
  }, 180_000);

  it("when the prod images start with the prod Deployments' env, then gacha and item report SERVING on gRPC health, auth is ready and the gateway serves /healthz and a signed-in user's draw", async () => {
    for (const svc of ALL_SERVICES) {
      const s = await startService(scope, network, svc, imageName(svc, "prod"), {
        overlay: "prod",
        extra: operatorSecrets(),
      });
      names[svc] = s.name;
      addr[svc] = s.addr;
    }
    const [inspect] = JSON.parse(await podman(["inspect", names.gacha!])) as {
      HostConfig: { ReadonlyRootfs: boolean; CapDrop: string[] };
      Config: { User: string };
    }[];
    expect(inspect!.HostConfig.ReadonlyRootfs).toBe(true);
    expect(inspect!.Config.User).toBe("65532:65532");
    // auth's signing key: the Secret volume, read-only like the kubelet's
    const [authInspect] = JSON.parse(await podman(["inspect", names.auth!])) as {
      Mounts: { Destination: string; RW: boolean }[];
    }[];
    expect(authInspect!.Mounts.filter((m) => m.Destination === "/etc/gacha-auth/keys")).toEqual([
      expect.objectContaining({ RW: false }),
    ]);
    const Health = makeGenericClientConstructor(healthService, "grpc.health.v1.Health");
    const check = (a: string) =>
      new Promise<string>((resolve, reject) => {
        const c = new Health(a, credentials.createInsecure()) as unknown as Client & {
          Check: (
            r: object,
            m: Metadata,
            o: object,
            cb: (e: ServiceError | null, r?: { status: string }) => void,
          ) => void;
        };
        c.Check({ service: "" }, new Metadata(), { deadline: new Date(Date.now() + 1_000) }, (e, r) => {
          c.close();
          if (e) reject(e);
          else resolve(r!.status);
        });
      });
    const logs = async () =>
      (
        await Promise.all(
          ALL_SERVICES.map(
            async (s) =>
              `--- ${s}\n${(await podmanRaw(["logs", "--tail", "40", names[s]!])).stderr}${(await podmanRaw(["logs", "--tail", "40", names[s]!])).stdout}`,
          ),
        )
      ).join("\n");
    try {
      for (const svc of ["gacha", "item"] as const)
        expect(
          await waitFor(
            `${svc} SERVING`,
            async () => (await check(addr[svc]!)) === "SERVING" && "SERVING",
            60_000,
            250,
          ),
        ).toBe("SERVING");
      await waitFor(
        "gateway /healthz 200",
        async () =>
          (await fetch(`http://${addr.gateway}/healthz`, { signal: AbortSignal.timeout(2_000) })).status === 200,
        60_000,
        250,
      );
      for (const svc of ["auth", "gateway"] as const)
        await waitFor(
          `${svc} /readyz 200`,
          async () =>
            (await fetch(`http://${addr[svc]}/readyz`, { signal: AbortSignal.timeout(2_000) })).status === 200,
          30_000,
          250,
        );
      // auth signs with the key from its read-only Secret volume; the gateway checks the token against auth's JWKS
      const me = await signUp(addr.auth!);
      const res = await fetch(`http://${addr.gateway}/draw`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: me.authorization },
        body: JSON.stringify({ count: 2 }),
        signal: AbortSignal.timeout(10_000),
      });
      const body = (await res.json()) as { items?: unknown[] };
      expect({ status: res.status, items: body.items?.length }).toEqual({ status: 200, items: 2 });
    } catch (err) {
      throw new Error(`${(err as Error).message}\n${await logs()}`, { cause: err });
    }
  }, 180_000);

  it("when the image sizes are read, then they are printed for docs/containers.md", async () => {
    const rows: string[] = [];
    for (const svc of ALL_SERVICES)
      for (const target of ["dev", "prod"] as const) {
        const exists = (await podmanRaw(["image", "exists", imageName(svc, target)])).code === 0;
        if (exists)
          rows.push(`${svc}:${target} ${((await imageInfo(imageName(svc, target))).size / 1e6).toFixed(0)} MB`);
      }
    console.log(`image sizes: ${rows.join(", ")}`);
    expect(rows.length).toBeGreaterThanOrEqual(3);
  });
});
