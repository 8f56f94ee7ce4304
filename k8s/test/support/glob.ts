// Glob and .dockerignore matching, as Docker/BuildKit (moby/patternmatcher) and
// Skaffold apply them to paths relative to the build context.

/** A glob (`*`, `?`, `**`, `[...]`) as an anchored regular expression over '/' paths. */
export function globToRegExp(glob: string): RegExp {
  let re = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === "*") {
      if (glob[i + 1] === "*") {
        // `**/` = zero or more directories; a trailing `**` = anything
        if (glob[i + 2] === "/") {
          re += "(?:.*/)?";
          i += 2;
        } else {
          re += ".*";
          i += 1;
        }
      } else {
        re += "[^/]*";
      }
    } else if (c === "?") {
      re += "[^/]";
    } else if (c === "[") {
      const end = glob.indexOf("]", i);
      if (end < 0) re += "\\[";
      else {
        re += `[${glob
          .slice(i + 1, end)
          .replace(/^!/, "^")
          .replace(/\\/g, "\\\\")}]`;
        i = end;
      }
    } else {
      re += c.replace(/[.+^${}()|\\]/g, "\\$&");
    }
  }
  return new RegExp(`^${re}$`);
}

export function globMatch(glob: string, file: string): boolean {
  return globToRegExp(glob.replace(/^\.\//, "")).test(file);
}

interface IgnoreRule {
  exclusion: boolean;
  re: RegExp;
}

/** Parses a .dockerignore file. */
export function parseDockerignore(text: string): IgnoreRule[] {
  const rules: IgnoreRule[] = [];
  for (const raw of text.split(/\r?\n/)) {
    let line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const exclusion = line.startsWith("!");
    if (exclusion) line = line.slice(1).trim();
    line = line.replace(/^\/+/, "").replace(/\/+$/, "");
    // filepath.Clean
    line = line
      .split("/")
      .filter((seg) => seg !== "" && seg !== ".")
      .join("/");
    if (!line) continue;
    rules.push({ exclusion, re: globToRegExp(line) });
  }
  return rules;
}

/**
 * Whether a context-relative file is sent to the builder. Docker semantics: the
 * last rule that matches the path or one of its parent directories decides.
 */
export function isIncluded(rules: IgnoreRule[], file: string): boolean {
  const parts = file.split("/");
  const candidates = parts.map((_, i) => parts.slice(0, i + 1).join("/"));
  let excluded = false;
  for (const rule of rules) {
    if (candidates.some((c) => rule.re.test(c))) excluded = !rule.exclusion;
  }
  return !excluded;
}
