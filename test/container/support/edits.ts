// One small, externally observable edit per service, and the probe that reads
// which variant a running service serves. The edit is a text replacement of a
// literal in the real source file; if the literal is gone (the file changed),
// this fails loudly: update the anchor here.
import fs from "node:fs";
import path from "node:path";
import { credentials, Metadata, type ServiceError } from "@grpc/grpc-js";
import { gachaV1, itemV1 } from "@gacha/proto";
import { repoRoot, type Service } from "./podman";

export interface Edit {
  /** repo-relative .ts file that is edited */
  file: string;
  /** the original content with the marker applied */
  apply(original: string, marker: string): string;
  /** the marker the service at `addr` currently serves, "" for the original behaviour, undefined when it does not answer */
  probe(addr: string): Promise<string | undefined>;
}

function replaceOnce(file: string, original: string, anchor: string, replacement: string): string {
  const at = original.indexOf(anchor);
  if (at < 0 || original.indexOf(anchor, at + 1) >= 0)
    throw new Error(
      `${file}: the edit anchor ${JSON.stringify(anchor)} must occur exactly once (update test/container/support/edits.ts)`,
    );
  return original.slice(0, at) + replacement + original.slice(at + anchor.length);
}

const USER_ID_MESSAGE = "user_id must be a positive integer of at most 2^63-1";
const MARK = / \[reload ([\w-]+)\]$/;
// gacha and item validate user_id with @gacha/runtime's validateUserId, called once in each
// handler; the edit wraps that call (in the service's own file) and appends the marker to its message
const VALIDATE_USER_ID = "validateUserId(req.userId)";
const markValidation = (m: string) =>
  `((id: bigint) => { try { return validateUserId(id); } catch (e) { (e as Error).message += " [reload ${m}]"; throw e; } })(req.userId)`;

/** Calls `fn` on a fresh client (no reconnect backoff carried over between probes), bounded by a 500 ms deadline. */
function grpcMessage<C extends { close(): void }>(
  make: () => C,
  fn: (c: C, deadline: Date, cb: (err: ServiceError | null) => void) => void,
): Promise<string | undefined> {
  const client = make();
  return new Promise<string | undefined>((resolve) => {
    fn(client, new Date(Date.now() + 500), (err) => {
      client.close();
      // INVALID_ARGUMENT (3) carries the validation message; anything else = not (yet) serving
      if (!err || err.code !== 3) return resolve(undefined);
      resolve(MARK.exec(err.details)?.[1] ?? (err.details === USER_ID_MESSAGE ? "" : undefined));
    });
  });
}

const opts = { "grpc.initial_reconnect_backoff_ms": 50, "grpc.max_reconnect_backoff_ms": 100 };

/** An edit of an Express service's /healthz handler, probed over HTTP. */
function healthEdit(file: string): Edit {
  return {
    file,
    apply: (src, m) =>
      replaceOnce(file, src, `res.json({ status: "ok" });`, `res.json({ status: "ok", reload: "${m}" });`),
    probe: async (addr) => {
      try {
        const res = await fetch(`http://${addr}/healthz`, { signal: AbortSignal.timeout(500) });
        if (res.status !== 200) return undefined;
        const body = (await res.json()) as { reload?: string };
        return body.reload ?? "";
      } catch {
        return undefined;
      }
    },
  };
}

export const EDITS: Record<Service | "auth", Edit> = {
  // gRPC: GetInventory(user_id 0) is INVALID_ARGUMENT with the validation message
  item: {
    file: "services/item/src/get-inventory.ts",
    apply: (src, m) => replaceOnce("item get-inventory.ts", src, VALIDATE_USER_ID, markValidation(m)),
    probe: (addr) =>
      grpcMessage(
        () => new itemV1.ItemServiceClient(addr, credentials.createInsecure(), opts),
        (c, deadline, cb) => c.getInventory({ userId: 0n }, new Metadata(), { deadline }, (err) => cb(err)),
      ),
  },
  // gRPC: GetHistories(user_id 0) is INVALID_ARGUMENT with the validation message
  gacha: {
    file: "services/gacha/src/get-histories.ts",
    apply: (src, m) => replaceOnce("gacha get-histories.ts", src, VALIDATE_USER_ID, markValidation(m)),
    probe: (addr) =>
      grpcMessage(
        () => new gachaV1.GachaServiceClient(addr, credentials.createInsecure(), opts),
        (c, deadline, cb) =>
          c.getHistories({ userId: 0n, limit: 0, cursor: "" }, new Metadata(), { deadline }, (err) => cb(err)),
      ),
  },
  // HTTP: GET /healthz answers {"status":"ok"} (+ "reload": marker when edited)
  gateway: healthEdit("services/gateway/src/routes/health.ts"),
  // the same on auth's own /healthz (the cluster tier syncs it under skaffold dev)
  auth: healthEdit("services/auth/src/routes/health.ts"),
};

export const readSource = (file: string) => fs.readFileSync(path.join(repoRoot, file), "utf8");

/** Polls `probe` until it reports `marker`; returns the ms from `t0`, or throws after `timeoutMs`. */
export async function waitForMarker(
  edit: Edit,
  addr: string,
  marker: string,
  t0: number,
  timeoutMs: number,
  everyMs = 20,
): Promise<number> {
  const until = t0 + timeoutMs;
  let last: string | undefined;
  for (let i = 0; i < 1_000_000 && Date.now() < until; i++) {
    last = await edit.probe(addr);
    if (last === marker) return Date.now() - t0;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(
    `${edit.file}: ${addr} did not serve marker "${marker}" within ${timeoutMs} ms (last seen: ${JSON.stringify(last)})`,
  );
}
