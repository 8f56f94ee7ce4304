// Which kubectl / kustomize renders the overlays: version parsing and the choice
// between KUBECTL/KUSTOMIZE, the tools on PATH and the Linux x64 download, with
// canned `kubectl version --client -o json` / `kustomize version` outputs.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- plain Node script, shared with scripts/test.sh
const versions = require("../../scripts/ci/kustomize-versions") as {
  parseKubectlVersion(json: string | undefined): { kubectl?: string; kustomize?: string };
  parseKustomizeVersion(text: string | undefined): string | undefined;
  judgeKubectl(json: string | undefined): { ok: boolean; why: string };
  judgeKustomize(text: string | undefined): { ok: boolean; why: string };
  chooseKustomize(input: {
    env: Record<string, string | undefined>;
    platform: string;
    arch: string;
    which(name: string): string | undefined;
    version(tool: string, bin: string): string | undefined;
  }): { tool: string; bin?: string; why: string; notes: string[] };
};

const kubectlJson = (gitVersion: string, kustomize?: string) =>
  JSON.stringify({
    clientVersion: { major: "1", minor: gitVersion.split(".")[1], gitVersion, platform: "linux/amd64" },
    ...(kustomize ? { kustomizeVersion: kustomize } : {}),
  });
const KUBECTL_1_20 = kubectlJson("v1.20.15"); // before kubectl printed its kustomize version
const KUBECTL_1_27 = kubectlJson("v1.27.1", "v5.0.1");
const KUBECTL_1_30 = kubectlJson("v1.30.14", "v5.0.4-0.20230601165947-6ce0bf390ce3");
const KUBECTL_1_31 = kubectlJson("v1.31.9", "v5.4.2");
const KUBECTL_1_34 = kubectlJson("v1.34.5", "v5.7.1");
const GCLOUD_KUBECTL = kubectlJson("v1.32.4-dispatcher", "v5.5.0");
const KUSTOMIZE_5_7_1 = "v5.7.1\n";
const KUSTOMIZE_4_5_7 =
  "{Version:kustomize/v4.5.7 GitCommit:56d82a8378dfc8dc3b3b1085e5a6e67b82966bd7 BuildDate:2022-08-02T16:35:54Z GoOs:linux GoArch:amd64}\n";

describe("kustomize tool versions", () => {
  it("when kubectl prints its versions as JSON, then the client and bundled kustomize versions are read", () => {
    expect(versions.parseKubectlVersion(KUBECTL_1_34)).toEqual({ kubectl: "1.34.5", kustomize: "5.7.1" });
    expect(versions.parseKubectlVersion(GCLOUD_KUBECTL)).toEqual({ kubectl: "1.32.4", kustomize: "5.5.0" });
    expect(versions.parseKubectlVersion(KUBECTL_1_20)).toEqual({ kubectl: "1.20.15", kustomize: undefined });
    expect(versions.parseKubectlVersion("error: unknown flag: --client")).toEqual({
      kubectl: undefined,
      kustomize: undefined,
    });
  });

  it("when kustomize prints its version (v5 plain, v4 as a struct), then the version is read", () => {
    expect(versions.parseKustomizeVersion(KUSTOMIZE_5_7_1)).toBe("5.7.1");
    expect(versions.parseKustomizeVersion(KUSTOMIZE_4_5_7)).toBe("4.5.7");
    expect(versions.parseKustomizeVersion("(devel)")).toBeUndefined();
  });

  it("when kubectl bundles kustomize < 5.2.1 (kubectl <= 1.30), then it does not qualify and the reason says what does", () => {
    for (const old of [KUBECTL_1_20, KUBECTL_1_27, KUBECTL_1_30]) {
      const verdict = versions.judgeKubectl(old);
      expect(verdict.ok).toBe(false);
      expect(verdict.why).toMatch(/too old: need kubectl >= 1\.31 .* or kustomize >= 5\.2\.1/);
    }
    expect(versions.judgeKubectl(undefined).ok).toBe(false);
  });

  it("when kubectl is 1.31 or later, then it qualifies", () => {
    for (const recent of [KUBECTL_1_31, GCLOUD_KUBECTL, KUBECTL_1_34])
      expect(versions.judgeKubectl(recent).ok).toBe(true);
  });

  it("when a standalone kustomize is v5.7.1, then it qualifies; v4.5.7 does not", () => {
    expect(versions.judgeKustomize(KUSTOMIZE_5_7_1)).toEqual({ ok: true, why: "kustomize 5.7.1" });
    expect(versions.judgeKustomize(KUSTOMIZE_4_5_7).ok).toBe(false);
    expect(versions.judgeKustomize("v5.2.0").ok).toBe(false);
    expect(versions.judgeKustomize("v5.2.1").ok).toBe(true);
  });
});

describe("choosing the tool", () => {
  const machine = (
    onPath: { kubectl?: string; kustomize?: string },
    env: Record<string, string> = {},
    platform = "linux",
    arch = "x64",
  ) =>
    versions.chooseKustomize({
      env,
      platform,
      arch,
      which: (name) => (name in onPath ? `/usr/local/bin/${name}` : undefined),
      version: (tool, bin) =>
        bin.startsWith("/usr/local/bin/") ? onPath[tool as "kubectl" | "kustomize"] : KUBECTL_1_20,
    });

  it("when kubectl 1.34 is on PATH, then it is used", () => {
    expect(machine({ kubectl: KUBECTL_1_34 })).toMatchObject({
      tool: "kubectl",
      bin: "/usr/local/bin/kubectl",
      notes: [],
    });
  });

  it("when kubectl on PATH is too old but kustomize v5.7.1 is there, then kustomize is used and the reason printed", () => {
    const choice = machine({ kubectl: KUBECTL_1_27, kustomize: KUSTOMIZE_5_7_1 });
    expect(choice).toMatchObject({ tool: "kustomize", bin: "/usr/local/bin/kustomize" });
    expect(choice.notes).toEqual([
      expect.stringMatching(/not using \/usr\/local\/bin\/kubectl on PATH: kubectl 1\.27\.1/),
    ]);
  });

  it("when only kubectl 1.20 is on PATH on Linux x64, then the download is chosen, saying why", () => {
    const choice = machine({ kubectl: KUBECTL_1_20 });
    expect(choice.tool).toBe("download");
    expect(choice.notes.join("\n")).toMatch(/kubectl 1\.20\.15 \(no kustomize version\) is too old/);
  });

  it("when nothing recent enough is installed on macOS or Linux arm64, then the answer says what to install", () => {
    for (const [platform, arch] of [
      ["darwin", "arm64"],
      ["linux", "arm64"],
    ]) {
      const choice = machine({ kubectl: KUBECTL_1_20, kustomize: KUSTOMIZE_4_5_7 }, {}, platform, arch);
      expect(choice.tool).toBe("none");
      expect(choice.why).toMatch(/install kubectl >= 1\.31 .* or kustomize >= 5\.2\.1 and put it on PATH/);
      expect(choice.why).toContain(`this is ${platform}/${arch}`);
    }
  });

  it("when KUBECTL is set, then it wins over PATH, with a warning if it is too old", () => {
    expect(machine({ kubectl: KUBECTL_1_34 }, { KUBECTL: "/opt/kubectl" })).toMatchObject({
      tool: "kubectl",
      bin: "/opt/kubectl",
      notes: [expect.stringMatching(/warning: KUBECTL=\/opt\/kubectl: kubectl 1\.20\.15 .* using it anyway/)],
    });
  });

  it("when KUSTOMIZE is set, then `kustomize build` is used with it", () => {
    expect(machine({ kubectl: KUBECTL_1_34 }, { KUSTOMIZE: "/opt/kustomize" })).toMatchObject({
      tool: "kustomize",
      bin: "/opt/kustomize",
    });
  });
});
