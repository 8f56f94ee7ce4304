// SQL against the dev overlay's in-cluster MySQL (pod mysql-0), as root, through
// `kubectl exec`: what a user does with `kubectl exec -it mysql-0 -- mysql`.
import { kubectlOk } from "./run";

async function rootPassword(ns: string): Promise<string> {
  const b64 = await kubectlOk(["-n", ns, "get", "secret", "mysql-credentials", "-o", "jsonpath={.data.root-password}"]);
  return Buffer.from(b64, "base64").toString();
}

/** Runs `sql` and returns the first column of each row. */
export async function mysql(ns: string, sql: string): Promise<string[]> {
  const pw = await rootPassword(ns);
  // the password goes through the environment, not argv (ps shows argv)
  const out = await kubectlOk(
    [
      "-n",
      ns,
      "exec",
      "-i",
      "mysql-0",
      "-c",
      "mysql",
      "--",
      "sh",
      "-c",
      'MYSQL_PWD="$(cat)" exec mysql -uroot -h127.0.0.1 -N -B -e "$0"',
      sql,
    ],
    { input: pw, timeoutMs: 30_000 },
  );
  return out
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => l.split("\t")[0]!);
}
