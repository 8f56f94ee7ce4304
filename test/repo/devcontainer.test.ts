// The dev container (.devcontainer/): a Docker Compose dev container whose `db`
// service is the database the quick start expects, with every tool pinned.
// No Docker here, so these tests read the files; "Reopen in Container" itself
// is not run by any CI of this project.
import fs from "node:fs";
import path from "node:path";
import { clusterMysqlImage, EXACT_VERSION, readCompose, readJsonc, readText, readYaml, repoRoot } from "./support";

interface DevContainer {
  dockerComposeFile: string;
  service: string;
  runServices: string[];
  workspaceFolder: string;
  remoteUser: string;
  features: Record<string, Record<string, unknown>>;
  postCreateCommand: string;
  forwardPorts: number[];
  portsAttributes: Record<string, { label?: string }>;
  customizations: { vscode: { extensions: string[] } };
}
interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string | string[];
  network_mode?: string;
  ports?: unknown[];
  volumes?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  extends?: { file: string; service: string };
}
interface Compose {
  name?: string;
  services: Record<string, ComposeService>;
  volumes?: Record<string, { name?: string; external?: boolean } | null>;
}

const devcontainer = readJsonc<DevContainer>(".devcontainer/devcontainer.json");
const devCompose = readText(path.join(".devcontainer", devcontainer.dockerComposeFile));
const compose = readCompose<Compose>(path.join(".devcontainer", devcontainer.dockerComposeFile));
const app = compose.services[devcontainer.service]!;
// db extends the quick start's db (compose.yaml at the root): one definition for both.
const devDb = compose.services.db!;
const rootCompose = readCompose<Compose>("compose.yaml");
const sharedDb = rootCompose.services.db!;
const dockerfile = readText(path.join(".devcontainer", app.build?.dockerfile ?? "Dockerfile"));
const feature = (name: string) => Object.entries(devcontainer.features).find(([ref]) => ref.includes(`/${name}:`))?.[1];
/** The named volume mounted at a container path, by a service. */
const volumeAt = (service: ComposeService, target: string) =>
  service.volumes?.find((v) => v.split(":")[1] === target)?.split(":")[0];
const dockerfileArg = (name: string) => new RegExp(`^ARG ${name}=(\\S+)$`, "m").exec(dockerfile)?.[1];

it("when devcontainer.json is read, then it opens the compose service app as the non-root user node and starts app and db", () => {
  expect(devcontainer.dockerComposeFile).toBe("compose.yaml");
  expect(devcontainer.service).toBe("app");
  expect(devcontainer.remoteUser).toBe("node");
  expect(Object.keys(compose.services).sort()).toEqual(["app", "db"]);
  expect([...devcontainer.runServices].sort()).toEqual(["app", "db"]);
});

it("when app starts, then the repository is mounted at workspaceFolder and the container stays up", () => {
  expect(app.volumes).toContain(`..:${devcontainer.workspaceFolder}:cached`);
  expect(app.command).toBe("sleep infinity");
});

it("when app starts, then it waits for a healthy db and reaches it at 127.0.0.1:3306 like the quick start", () => {
  expect(app.depends_on).toEqual({ db: { condition: "service_healthy" } });
  // sharing db's network namespace: localhost inside app is the database
  expect(app.network_mode).toBe("service:db");
  // nothing published on the host, so a MySQL already running there does not clash:
  // the shared definition publishes 127.0.0.1:3306 for the quick start, the dev container resets it
  expect(app.ports).toBeUndefined();
  expect(devCompose).toMatch(/^ {4}ports: !reset \[\]$/m);
  // the defaults every part of the project uses (README "Configuration")
  expect(readText("packages/testing/src/databases.ts")).toContain('"mysql://root@127.0.0.1:3306/test"');
  expect(readText("scripts/local-db.js")).toContain("`mysql://root@127.0.0.1:${port}/gacha`");
  expect(readText("scripts/local-db.js")).toContain('env.GACHA_DB_PORT ?? "3306"');
});

it("when db is read, then it extends the quick start's db and adds nothing but the reset of its ports", () => {
  expect(devDb.extends).toEqual({ file: "../compose.yaml", service: "db" });
  expect(Object.keys(devDb).sort()).toEqual(["extends", "ports"]);
});

it("when the shared db is read, then it is the cluster's MySQL series pinned to a patch release (as in ci.yml), with a passwordless root, a TCP health check and a named volume", () => {
  expect(sharedDb.image).toMatch(/^mysql:8\.4\.\d+$/);
  expect(sharedDb.image!.startsWith(`${clusterMysqlImage()}.`)).toBe(true);
  const ci = readYaml<{ jobs: Record<string, { services?: Record<string, { image: string }> }> }>(
    ".github/workflows/ci.yml",
  );
  const ciImages = Object.values(ci.jobs).flatMap((job) => Object.values(job.services ?? {}).map((s) => s.image));
  expect(ciImages).toEqual([sharedDb.image]);
  expect(sharedDb.environment).toEqual({ MYSQL_ALLOW_EMPTY_PASSWORD: "yes" });
  // over TCP: the image's first-start init server has networking off, so it cannot pass early
  expect(sharedDb.healthcheck?.test).toEqual(["CMD", "mysqladmin", "ping", "-h", "127.0.0.1", "-uroot", "--silent"]);
  const dataVolume = sharedDb.volumes?.find((v) => v.endsWith(":/var/lib/mysql"))?.split(":")[0];
  expect(dataVolume).toBeDefined();
  // extends does not bring top-level volumes along: both files declare it
  expect(Object.keys(rootCompose.volumes ?? {})).toContain(dataVolume);
  expect(Object.keys(compose.volumes ?? {})).toContain(dataVolume);
});

it("when the quick start's db is published, then only on loopback, on 3306 unless GACHA_DB_PORT moves it", () => {
  expect(sharedDb.ports).toEqual(["127.0.0.1:${GACHA_DB_PORT:-3306}:3306"]);
});

it("when two clones of the repository are opened, then each gets its own containers and volumes (no fixed project name, no shared volume)", () => {
  expect(compose).not.toHaveProperty("name");
  // every volume a service mounts by name is declared here, scoped to the compose project
  // db's data volume comes through `extends` from the root compose.yaml
  const named = [...Object.values(compose.services), sharedDb]
    .flatMap((s) => s.volumes ?? [])
    .map((v) => v.split(":")[0]!)
    .filter((source) => !source.startsWith(".") && !source.startsWith("/"));
  expect(named.length).toBeGreaterThanOrEqual(4);
  for (const name of named) {
    expect({ name, declared: name in (compose.volumes ?? {}) }).toEqual({ name, declared: true });
    expect({ name, options: compose.volumes?.[name] ?? null }).toEqual({ name, options: null });
  }
});

it("when npm ci runs in the container, then node_modules are volumes, not the host checkout's folders, handed to the user first", () => {
  const roots = ["node_modules", "services/web/node_modules"];
  for (const dir of roots) {
    expect({ dir, volume: volumeAt(app, `${devcontainer.workspaceFolder}/${dir}`) }).toEqual({
      dir,
      volume: expect.any(String),
    });
  }
  // services/web keeps packages of its own only if the lockfile says so
  const lock = readYaml<{ packages: Record<string, unknown> }>("package-lock.json");
  expect(Object.keys(lock.packages).some((p) => p.startsWith("services/web/node_modules/"))).toBe(true);
  expect(devcontainer.postCreateCommand).toBe(
    `sudo chown ${devcontainer.remoteUser}:node ${roots.join(" ")} && npm ci`,
  );
});

it("when minikube starts in the container, then its state lives in a per-project volume in the user's home, not the feature's /home/vscode", () => {
  const home = `/home/${devcontainer.remoteUser}`;
  expect(volumeAt(app, `${home}/.minikube`)).toBeDefined();
  // the new volume takes the owner of its mount point in the image
  expect(dockerfile).toContain(`mkdir -p ${home}/.minikube && chown node:node ${home}/.minikube`);
  expect(home).not.toBe("/home/vscode");
});

it("when the quick start's ports are listed, then each one, auth's 8081 and the web page's 5173 included, is forwarded with a label", () => {
  expect(readText("services/web/vite.config.ts")).toMatch(
    /server: \{[^}]*port: Number\(process\.env\.WEB_PORT \?\? 5173\),/,
  );
  for (const port of [8080, 8081, 5173, 50051, 50052, 3306]) {
    expect(devcontainer.forwardPorts).toContain(port);
    expect(devcontainer.portsAttributes[String(port)]?.label).toBeTruthy();
  }
});

it("when any file in .devcontainer is read, then no tool or image floats on latest", () => {
  for (const file of fs.readdirSync(path.join(repoRoot, ".devcontainer"))) {
    expect({ file, latest: /latest/i.test(readText(path.join(".devcontainer", file))) }).toEqual({
      file,
      latest: false,
    });
  }
});

it("when the features are read, then each feature and each version option is an exact version", () => {
  expect(Object.keys(devcontainer.features).length).toBeGreaterThanOrEqual(2);
  for (const [ref, options] of Object.entries(devcontainer.features)) {
    expect({ ref, tag: EXACT_VERSION.test(ref.split(":").pop()!) }).toEqual({ ref, tag: true });
    for (const key of ["version", "helm", "minikube"]) {
      if (key in options)
        expect({ ref, key, value: options[key] }).toEqual({ ref, key, value: expect.stringMatching(EXACT_VERSION) });
    }
  }
  expect(feature("kubectl-helm-minikube")).toMatchObject({ version: expect.stringMatching(/^1\.34\./) });
});

it("when Docker is installed, then the feature's unpinned compose and buildx are off and the image's own pinned, checked plugins are used", () => {
  expect(feature("docker-in-docker")).toMatchObject({ dockerDashComposeVersion: "none", installDockerBuildx: false });
  expect(dockerfileArg("DOCKER_COMPOSE_VERSION")).toMatch(EXACT_VERSION);
  expect(dockerfileArg("DOCKER_BUILDX_VERSION")).toMatch(EXACT_VERSION);
  expect(dockerfile).toContain("https://github.com/docker/compose/releases/download/v${DOCKER_COMPOSE_VERSION}");
  expect(dockerfile).toContain('"buildx-v${DOCKER_BUILDX_VERSION}.linux-${buildx_arch}" docker-buildx');
  expect(dockerfile).toMatch(/awk -v f="\$2" .* checksums\.txt \| sha256sum -c -/);
  // searched before the /usr/libexec copy the feature's apt install brings
  expect(dockerfile).toContain("plugins=/usr/local/lib/docker/cli-plugins");
});

it("when skaffold.yaml's apiVersion is skaffold/v4beta13, then the image's Skaffold (checked against its sha256) is 2.15 or later", () => {
  // v4beta13 first shipped in Skaffold v2.15.0 (pkg/skaffold/schema/latest/config.go, #9741)
  expect(readYaml<{ apiVersion: string }>("skaffold.yaml").apiVersion).toBe("skaffold/v4beta13");
  expect(feature("skaffold")).toBeUndefined();
  const version = dockerfileArg("SKAFFOLD_VERSION")!;
  expect(version).toMatch(EXACT_VERSION);
  expect(Number(version.replace(/^v/, "").split(".")[1])).toBeGreaterThanOrEqual(15);
  expect(dockerfile).toContain(
    "https://storage.googleapis.com/skaffold/releases/${SKAFFOLD_VERSION}/skaffold-linux-${arch}",
  );
  expect(dockerfile).toMatch(/\$\{url\}\.sha256.*\| sha256sum -c -/);
  expect(readText("docs/kubernetes.md")).toContain(`installs ${version}`);
});

it("when the app image is built, then it starts from the Node 24 dev image and adds a MySQL client and a checked, pinned grpcurl", () => {
  const nodeMajor = readText(".nvmrc").trim().replace(/^v/, "").split(".")[0];
  expect(dockerfile).toMatch(
    new RegExp(`^FROM mcr\\.microsoft\\.com/devcontainers/typescript-node:${nodeMajor}-bookworm$`, "m"),
  );
  expect(dockerfile).toMatch(/apt-get install[^\n]*\bdefault-mysql-client\b/);
  expect(dockerfileArg("GRPCURL_VERSION")).toMatch(EXACT_VERSION);
  expect(dockerfile).toMatch(/grpcurl_\$\{GRPCURL_VERSION\}_checksums\.txt/);
  expect(dockerfile).toContain("sha256sum -c -");
});
