// The dev container image's download steps (.devcontainer/Dockerfile: Skaffold,
// docker compose, docker buildx), run with /bin/sh as `docker build` runs a RUN
// line, against a stand-in curl that serves local files: a matching sha256
// installs the tool, a tampered file or a missing checksum stops the build.
// Paths under /usr/local and /tmp are moved into a temporary directory.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseDockerfile } from "../../k8s/test/support/dockerfile";
import { readText } from "./support";

const stage = parseDockerfile(readText(".devcontainer/Dockerfile")).stages[0]!;
const args = Object.fromEntries(
  stage.instructions.filter((i) => i.keyword === "ARG").map((i) => i.args.split("=", 2) as [string, string]),
);
const runLine = (marker: string) =>
  stage.instructions.find((i) => i.keyword === "RUN" && i.args.includes(marker))!.args;

// curl -fsSL[o FILE|O] URL: the file registered for URL, or exit 22 like curl -f on a 404.
const CURL = `#!/bin/sh
out=""; remote=""; url=""
while [ $# -gt 0 ]; do
  case "$1" in
    https://*) url="$1" ;;
    -o|-*o) out="$2"; shift ;;
    -*O) remote=1 ;;
  esac
  shift
done
file="$(awk -v u="$url" '$1 == u { print $2 }' "$FIXTURES/urls")"
[ -n "$file" ] || { echo "curl: (22) The requested URL returned error: 404 ($url)" >&2; exit 22; }
if [ -n "$remote" ]; then cp "$file" "$(basename "$url")"; elif [ -n "$out" ]; then cp "$file" "$out"; else cat "$file"; fi
`;

interface Release {
  url: string;
  body: string;
}

function runDownload(marker: string, releases: Release[], checksums: Record<string, string>) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "devcontainer-run-"));
  try {
    const fixtures = path.join(root, "fixtures");
    const bin = path.join(root, "bin");
    for (const dir of [fixtures, bin, path.join(root, "tmp"), path.join(root, "usr/local/bin")]) {
      fs.mkdirSync(dir, { recursive: true });
    }
    const urls: string[] = [];
    const add = (url: string, body: string) => {
      const file = path.join(fixtures, String(urls.length));
      fs.writeFileSync(file, body, { mode: 0o755 });
      urls.push(`${url} ${file}`);
    };
    for (const r of releases) add(r.url, r.body);
    for (const [url, body] of Object.entries(checksums)) add(url, body);
    fs.writeFileSync(path.join(fixtures, "urls"), urls.join("\n") + "\n");
    fs.writeFileSync(path.join(bin, "curl"), CURL, { mode: 0o755 });
    fs.writeFileSync(path.join(bin, "dpkg"), "#!/bin/sh\necho amd64\n", { mode: 0o755 });
    const script = runLine(marker).replaceAll("/usr/local/", `${root}/usr/local/`).replace("cd /tmp", `cd ${root}/tmp`);
    const r = spawnSync("/bin/sh", ["-c", script], {
      env: { ...args, FIXTURES: fixtures, PATH: `${bin}:${root}/usr/local/bin:/usr/bin:/bin` },
      encoding: "utf8",
      timeout: 30_000,
    });
    const files = new Set(
      (fs.readdirSync(path.join(root, "usr/local"), { recursive: true }) as string[]).map((f) => `usr/local/${f}`),
    );
    return { status: r.status, output: `${r.stdout}${r.stderr}`, installed: (rel: string) => files.has(rel) };
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

const sha256 = (body: string) => createHash("sha256").update(body).digest("hex");
const tool = (name: string) => `#!/bin/sh\necho "${name} (stand-in) $*"\n`;

describe("the Skaffold download", () => {
  const url = `https://storage.googleapis.com/skaffold/releases/${args.SKAFFOLD_VERSION}/skaffold-linux-amd64`;
  const body = tool("skaffold");

  it("when the binary matches the release's .sha256, then skaffold is installed and runs", () => {
    const r = runDownload("skaffold/releases", [{ url, body }], {
      [`${url}.sha256`]: `${sha256(body)}  skaffold-linux-amd64\n`,
    });
    expect(r.output).toContain("skaffold (stand-in) version");
    expect(r.status).toBe(0);
    expect(r.installed("usr/local/bin/skaffold")).toBe(true);
  });

  it("when the binary does not match, then the build stops and skaffold is not installed", () => {
    const r = runDownload("skaffold/releases", [{ url, body: tool("tampered") }], {
      [`${url}.sha256`]: `${sha256(body)}  skaffold-linux-amd64\n`,
    });
    expect(r.status).not.toBe(0);
    expect(r.output).toContain("FAILED");
    expect(r.installed("usr/local/bin/skaffold")).toBe(false);
  });
});

describe("the docker compose and buildx downloads", () => {
  const composeBase = `https://github.com/docker/compose/releases/download/v${args.DOCKER_COMPOSE_VERSION}`;
  const buildxBase = `https://github.com/docker/buildx/releases/download/v${args.DOCKER_BUILDX_VERSION}`;
  const composeFile = "docker-compose-linux-x86_64";
  const buildxFile = `buildx-v${args.DOCKER_BUILDX_VERSION}.linux-amd64`;
  const compose = tool("docker-compose");
  const buildx = tool("docker-buildx");
  const releases = [
    { url: `${composeBase}/${composeFile}`, body: compose },
    { url: `${buildxBase}/${buildxFile}`, body: buildx },
  ];
  const plugins = "usr/local/lib/docker/cli-plugins";

  it("when both match their release's checksums.txt (either sha256sum line style), then both plugins are installed and run", () => {
    const r = runDownload("cli-plugins", releases, {
      // binary-mode ("*name") and text-mode ("  name") lines, and other assets' lines around them
      [`${composeBase}/checksums.txt`]: `${sha256("x")} *docker-compose-linux-aarch64\n${sha256(compose)} *${composeFile}\n`,
      [`${buildxBase}/checksums.txt`]: `${sha256(buildx)}  ${buildxFile}\n${sha256("y")}  ${buildxFile}.json\n`,
    });
    expect(r.output).toContain("docker-compose (stand-in) version");
    expect(r.output).toContain("docker-buildx (stand-in) version");
    expect(r.status).toBe(0);
    expect(r.installed(`${plugins}/docker-compose`)).toBe(true);
    expect(r.installed(`${plugins}/docker-buildx`)).toBe(true);
  });

  it("when a plugin does not match, then the build stops before installing it", () => {
    const r = runDownload("cli-plugins", releases, {
      [`${composeBase}/checksums.txt`]: `${sha256(compose)} *${composeFile}\n`,
      [`${buildxBase}/checksums.txt`]: `${sha256("not buildx")}  ${buildxFile}\n`,
    });
    expect(r.status).not.toBe(0);
    expect(r.output).toContain("FAILED");
    expect(r.installed(`${plugins}/docker-buildx`)).toBe(false);
  });

  it("when the checksum list has no line for the file, then the build stops", () => {
    const r = runDownload("cli-plugins", releases, {
      [`${composeBase}/checksums.txt`]: `${sha256(compose)} *${composeFile}.sig\n`,
      [`${buildxBase}/checksums.txt`]: `${sha256(buildx)}  ${buildxFile}\n`,
    });
    expect(r.status).not.toBe(0);
    expect(r.installed(`${plugins}/docker-compose`)).toBe(false);
  });
});
