// A small Dockerfile reader: stages, WORKDIR/USER/COPY per stage, and where a
// build-context file ends up in the image of a given target.
import path from "node:path";
import { globMatch } from "./glob";

export interface Instruction {
  keyword: string;
  args: string;
  line: number;
}
export interface Stage {
  from: string;
  name?: string;
  instructions: Instruction[];
}
export interface Dockerfile {
  globalArgs: Map<string, string>;
  stages: Stage[];
}

/**
 * `buildArgs` are what `--build-arg` (skaffold's docker.buildArgs) passes: they
 * override ARG defaults, and ${NAME} in FROM, COPY, WORKDIR, CMD... is replaced by
 * the value in scope (global ARGs are simply kept in scope in every stage here).
 * RUN lines are left as written: the shell expands those.
 */
export function parseDockerfile(text: string, buildArgs: Record<string, string> = {}): Dockerfile {
  const logical: { text: string; line: number }[] = [];
  let buffer = "";
  let start = 0;
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!buffer && (!line || line.startsWith("#"))) return;
    if (buffer && line.startsWith("#")) return; // comment inside a continuation
    if (!buffer) start = i + 1;
    if (line.endsWith("\\")) {
      buffer += line.slice(0, -1) + " ";
      return;
    }
    logical.push({ text: buffer + line, line: start });
    buffer = "";
  });
  const df: Dockerfile = { globalArgs: new Map(), stages: [] };
  for (const { text: l, line } of logical) {
    const m = /^(\S+)\s*(.*)$/.exec(l);
    if (!m) continue;
    const keyword = m[1]!.toUpperCase();
    const args = m[2] ?? "";
    if (keyword === "FROM") {
      const tokens = args.split(/\s+/).filter((t) => !t.startsWith("--"));
      const from = substitute(tokens[0] ?? "", df.globalArgs);
      const asIndex = tokens.findIndex((t) => t.toUpperCase() === "AS");
      df.stages.push({ from, name: asIndex >= 0 ? tokens[asIndex + 1] : undefined, instructions: [] });
      continue;
    }
    const stage = df.stages[df.stages.length - 1];
    if (keyword === "ARG") {
      const at = args.indexOf("=");
      const k = (at < 0 ? args : args.slice(0, at)).trim();
      const v = at < 0 ? undefined : substitute(args.slice(at + 1).trim(), df.globalArgs);
      const value = buildArgs[k] ?? v ?? df.globalArgs.get(k);
      if (k && value !== undefined) df.globalArgs.set(k, value);
    }
    if (!stage) continue;
    stage.instructions.push({ keyword, args: keyword === "RUN" ? args : substitute(args, df.globalArgs), line });
  }
  return df;
}

function substitute(s: string, vars: Map<string, string>): string {
  return s.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (all, name: string) => vars.get(name) ?? all);
}

/** The stages a target is built from, base first (FROM <stage> chains). */
export function stageChain(df: Dockerfile, target: string): Stage[] {
  const chain: Stage[] = [];
  let current = df.stages.find((s) => s.name === target);
  if (!current) throw new Error(`stage ${target} not found`);
  while (current) {
    chain.unshift(current);
    const parent: string = current.from;
    current = df.stages.find((s) => s.name === parent);
  }
  return chain;
}

/** Final base image of a target (after following stage references). */
export function baseImage(df: Dockerfile, target: string): string {
  return stageChain(df, target)[0]!.from;
}

export interface CopyStep {
  sources: string[];
  dest: string; // absolute
  destIsDir: boolean;
  from?: string;
  chown?: string;
}

function splitCopy(args: string): { flags: Map<string, string>; paths: string[] } {
  const flags = new Map<string, string>();
  let rest = args.trim();
  for (;;) {
    const m = /^--([a-z-]+)(?:=(\S+))?\s+/.exec(rest);
    if (!m) break;
    flags.set(m[1]!, m[2] ?? "");
    rest = rest.slice(m[0].length);
  }
  const paths = rest.startsWith("[") ? (JSON.parse(rest) as string[]) : rest.split(/\s+/).filter(Boolean);
  return { flags, paths };
}

export interface TargetLayout {
  copies: CopyStep[];
  workdir: string;
  user?: string;
  cmd?: string;
  env: Map<string, string>;
}

/** COPY steps (in order), final WORKDIR, USER and CMD of a target. */
export function targetLayout(df: Dockerfile, target: string): TargetLayout {
  const layout: TargetLayout = { copies: [], workdir: "/", env: new Map() };
  for (const stage of stageChain(df, target)) {
    for (const ins of stage.instructions) {
      if (ins.keyword === "WORKDIR") layout.workdir = path.posix.resolve(layout.workdir, ins.args.trim());
      else if (ins.keyword === "USER") layout.user = ins.args.trim();
      else if (ins.keyword === "CMD") layout.cmd = ins.args.trim();
      else if (ins.keyword === "ENV") {
        for (const m of ins.args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|\S+)/g)) layout.env.set(m[1]!, m[2]!);
      } else if (ins.keyword === "COPY" || ins.keyword === "ADD") {
        const { flags, paths } = splitCopy(ins.args);
        const dest = paths[paths.length - 1];
        if (!dest) continue;
        const sources = paths.slice(0, -1);
        layout.copies.push({
          sources,
          dest: path.posix.resolve(layout.workdir, dest),
          destIsDir: dest.endsWith("/") || sources.length > 1,
          from: flags.get("from"),
          chown: flags.get("chown"),
        });
      }
    }
  }
  return layout;
}

/**
 * Where a build-context file lands in the target's image (the last COPY from the
 * context that covers it wins), or undefined if no COPY takes it.
 */
export function containerPath(layout: TargetLayout, file: string): string | undefined {
  for (let i = layout.copies.length - 1; i >= 0; i--) {
    const step = layout.copies[i]!;
    if (step.from) continue;
    for (const rawSource of step.sources) {
      const source = rawSource.replace(/^\.\//, "").replace(/\/+$/, "") || ".";
      if (source === ".") return path.posix.join(step.dest, file);
      if (file === source || (/[*?[]/.test(source) && globMatch(source, file))) {
        return step.destIsDir ? path.posix.join(step.dest, path.posix.basename(file)) : step.dest;
      }
      if (file.startsWith(`${source}/`)) return path.posix.join(step.dest, file.slice(source.length + 1));
    }
  }
  return undefined;
}
