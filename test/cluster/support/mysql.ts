// SQL against the dev overlay's in-cluster MySQL (pod mysql-0), as root, through
// `kubectl exec`: what a user does with `kubectl exec -it mysql-0 -- mysql`. The
// root password is the container's own MYSQL_ROOT_PASSWORD (from the generated
// Secret), so it never passes through argv or this process.
import { kubectlOk } from "./run";

/** Runs `sql` and returns the first column of each row. */
export async function mysql(ns: string, sql: string): Promise<string[]> {
  const out = await kubectlOk(
    [
      "-n",
      ns,
      "exec",
      "mysql-0",
      "-c",
      "mysql",
      "--",
      "sh",
      "-c",
      'MYSQL_PWD="$MYSQL_ROOT_PASSWORD" exec mysql -uroot -N -B -e "$0"',
      sql,
    ],
    { timeoutMs: 30_000 },
  );
  return out
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => l.split("\t")[0]!);
}
