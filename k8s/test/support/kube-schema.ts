// Validation of rendered objects against the Kubernetes API types.
//
// 1. kubernetes-models: the class for apiVersion/kind, `.validate()` (types,
//    required fields, formats) — but it lets unknown fields through.
// 2. Unknown fields: the same package's TypeScript declarations describe every
//    API type's properties (generated from the Kubernetes OpenAPI spec), so we
//    walk each object against the declared type with the TypeScript checker and
//    report every key the type does not declare (maps such as labels are index
//    signatures and accept any key).
import fs from "node:fs";
import path from "node:path";
import ts from "typescript";
import { K8sObject, repoRoot } from "./repo";

/** Module path of the kubernetes-models class for an apiVersion + kind. */
export function modelModule(apiVersion: string, kind: string): string {
  const [groupOrVersion, version] = apiVersion.split("/");
  const dir = version === undefined ? groupOrVersion : `${groupOrVersion}/${version}`;
  return `kubernetes-models/${dir}/${kind}`;
}

export function validateWithModel(o: K8sObject): void {
  const modulePath = modelModule(o.apiVersion, o.kind);
  let mod: Record<string, unknown>;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the module is chosen at run time by apiVersion/kind
    mod = require(modulePath) as Record<string, unknown>;
  } catch {
    throw new Error(`no kubernetes-models class for ${o.apiVersion} ${o.kind} (${modulePath})`);
  }
  const Model = mod[o.kind] as (new (data: unknown) => { validate(): void }) | undefined;
  if (!Model) throw new Error(`${modulePath} does not export ${o.kind}`);
  new Model(forValidation(o)).validate();
}

/**
 * kustomize wraps long base64 values of Secret `data` over several lines; the
 * API server accepts that (Go's base64 decoder skips newlines) but the `byte`
 * format check does not, so the line breaks are removed before validating.
 */
function forValidation(o: K8sObject): K8sObject {
  if (o.kind !== "Secret" && o.kind !== "ConfigMap") return o;
  const copy = JSON.parse(JSON.stringify(o)) as K8sObject;
  const field = o.kind === "Secret" ? "data" : "binaryData";
  for (const [k, v] of Object.entries((copy[field] ?? {}) as Record<string, unknown>)) {
    if (typeof v === "string") copy[field][k] = v.replace(/\s+/g, "");
  }
  return copy;
}

const VIRTUAL = path.join(repoRoot, "k8s", "test", "__kube_types__.ts");

interface TypeIndex {
  checker: ts.TypeChecker;
  types: Map<string, ts.Type>;
}
let index: { key: string; value: TypeIndex } | undefined;

/** One TypeScript program over the declarations of the given kinds. */
function typeIndex(kinds: { apiVersion: string; kind: string }[]): TypeIndex {
  const unique = [...new Map(kinds.map((k) => [`${k.apiVersion}|${k.kind}`, k])).values()];
  const key = unique
    .map((k) => `${k.apiVersion}|${k.kind}`)
    .sort()
    .join(",");
  if (index && index.key === key) return index.value;
  const lines = unique.map(
    (k, i) =>
      `import type { I${k.kind} as T${i} } from "${modelModule(k.apiVersion, k.kind)}";\nexport declare const v${i}: T${i};`,
  );
  const source = lines.join("\n");
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
  };
  const host = ts.createCompilerHost(options, true);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) =>
    path.resolve(fileName) === VIRTUAL
      ? ts.createSourceFile(fileName, source, languageVersion, true)
      : getSourceFile(fileName, languageVersion, onError, shouldCreate);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (f) => path.resolve(f) === VIRTUAL || fileExists(f);
  const readFile = host.readFile.bind(host);
  host.readFile = (f) => (path.resolve(f) === VIRTUAL ? source : readFile(f));
  const program = ts.createProgram([VIRTUAL], options, host);
  const diagnostics = ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file && path.resolve(d.file.fileName) === VIRTUAL);
  if (diagnostics.length) {
    throw new Error(
      "cannot load kubernetes-models declarations: " +
        diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n")).join("; "),
    );
  }
  const checker = program.getTypeChecker();
  const file = program.getSourceFile(VIRTUAL);
  if (!file) throw new Error("virtual source file missing");
  const types = new Map<string, ts.Type>();
  let i = 0;
  for (const statement of file.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    const decl = statement.declarationList.declarations[0];
    const k = unique[i++];
    if (!decl || !k) continue;
    types.set(`${k.apiVersion}|${k.kind}`, checker.getTypeAtLocation(decl.name));
  }
  const value = { checker, types };
  index = { key, value };
  return value;
}

/** JSON paths of the fields of `o` that its API type does not declare. */
export function unknownFields(o: K8sObject, allKinds: { apiVersion: string; kind: string }[] = [o]): string[] {
  const { checker, types } = typeIndex([...allKinds, o]);
  const type = types.get(`${o.apiVersion}|${o.kind}`);
  if (!type) throw new Error(`no type for ${o.apiVersion} ${o.kind}`);
  const out: string[] = [];
  walk(checker, o, type, "", out);
  return out;
}

function walk(checker: ts.TypeChecker, value: unknown, declared: ts.Type, at: string, out: string[]): void {
  if (value === null || value === undefined) return;
  const type = checker.getNonNullableType(declared);
  if (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return;
  if (type.isUnion()) {
    const objects = type.types.filter((t) => t.flags & ts.TypeFlags.Object);
    // primitive unions (IntOrString, enums): kubernetes-models checks their values
    if (objects.length === 0 || typeof value !== "object") return;
    const attempts = objects.map((t) => {
      const found: string[] = [];
      walk(checker, value, t, at, found);
      return found;
    });
    if (!attempts.some((a) => a.length === 0)) out.push(...(attempts[0] ?? []));
    return;
  }
  if (Array.isArray(value)) {
    if (checker.isArrayType(type)) {
      const element = checker.getTypeArguments(type as ts.TypeReference)[0];
      if (element) value.forEach((v, i) => walk(checker, v, element, `${at}[${i}]`, out));
    }
    return;
  }
  if (typeof value !== "object" || !(type.flags & ts.TypeFlags.Object)) return;
  const indexType = checker.getIndexTypeOfType(type, ts.IndexKind.String);
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    const where = `${at}.${key}`;
    const prop = type.getProperty(key);
    if (prop) walk(checker, v, checker.getTypeOfSymbol(prop), where, out);
    else if (indexType) walk(checker, v, indexType, where, out);
    else out.push(where);
  }
}

/** True when kubernetes-models ships a class for this apiVersion/kind. */
export function hasModel(apiVersion: string, kind: string): boolean {
  const rel = modelModule(apiVersion, kind).replace(/^kubernetes-models\//, "");
  return fs.existsSync(path.join(repoRoot, "node_modules", "kubernetes-models", `${rel}.js`));
}
