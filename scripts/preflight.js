// Checks that `npm run dev`, `npm run migrate` and a service's start can run at all, before they
// load anything from node_modules: a Node older than package.json's engines, or a checkout without
// `npm install`, then reads as one sentence naming the fix instead of a stack trace from deep inside
// a dependency. Only Node built-ins and syntax old Node versions parse, since it runs on them too.
"use strict";
var fs = require("fs");
var path = require("path");

var root = path.resolve(__dirname, "..");

/** "22.15.0" against ">=22.15": true when the version satisfies the lower bound. */
function satisfiesEngines(version, range) {
  var m = /^>=\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(String(range).trim());
  if (!m) throw new Error('scripts/preflight.js understands engines.node of the form ">=X.Y.Z", not ' + range);
  var want = [Number(m[1]), Number(m[2] || 0), Number(m[3] || 0)];
  var have = String(version).replace(/^v/, "").split(".").map(Number);
  for (var i = 0; i < 3; i++) {
    if ((have[i] || 0) !== want[i]) return (have[i] || 0) > want[i];
  }
  return true;
}

/** The modules the scripts and services load first; any one missing means no (complete) npm install. */
var INSTALLED_MARKERS = ["concurrently", "tsx", "nodemon", "mariadb", "@grpc/grpc-js", "vite"];

/** What is wrong, as one sentence, or undefined when nothing is. */
function preflightProblem(command) {
  var engines = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")).engines.node;
  if (!satisfiesEngines(process.versions.node, engines)) {
    return (
      command +
      " needs Node.js " +
      engines +
      " (package.json engines; .nvmrc names the version the images use), but this is Node " +
      process.version +
      " at " +
      process.execPath +
      ": switch with `nvm use` (or fnm, volta, asdf), then run `npm install` again."
    );
  }
  // Looked up as folders, not with require.resolve: some packages' "exports" hide package.json.
  var folders = [root, path.join(root, "services", "web")];
  for (var i = 0; i < INSTALLED_MARKERS.length; i++) {
    var name = INSTALLED_MARKERS[i];
    var found = folders.some(function (folder) {
      return fs.existsSync(path.join(folder, "node_modules", name, "package.json"));
    });
    if (!found) {
      return (
        command +
        ": the dependencies are not installed (" +
        name +
        " is missing from node_modules): run `npm install` in " +
        root +
        " first."
      );
    }
  }
  return undefined;
}

/** Prints the problem and exits 1, or returns when there is none. */
function preflight(command) {
  var problem = preflightProblem(command);
  if (problem) {
    console.error(problem);
    process.exit(1);
  }
}

module.exports = { preflight: preflight, preflightProblem: preflightProblem, satisfiesEngines: satisfiesEngines };

// `node scripts/preflight.js <command as the user typed it>`: the services' predev/prestart.
if (require.main === module) preflight(process.argv.slice(2).join(" ") || "this command");
