"use strict";
// Jest transform for Prisma's generated client only. It loads its WASM query
// compiler with a dynamic import(), which TypeScript keeps under module node16
// and Jest's VM cannot run without --experimental-vm-modules. Compiled as
// plain CommonJS, import() becomes require(). (ts-jest cannot be given a
// second set of options within one project: it caches one config per project.)
const { createHash } = require("node:crypto");
const ts = require("typescript");

module.exports = {
  process(source, fileName) {
    const { outputText } = ts.transpileModule(source, {
      fileName,
      compilerOptions: {
        module: ts.ModuleKind.CommonJS,
        target: ts.ScriptTarget.ES2023,
        esModuleInterop: true,
        inlineSourceMap: true,
      },
    });
    return { code: outputText };
  },
  getCacheKey(source, fileName) {
    return createHash("sha256").update(`${ts.version}\0${fileName}\0${source}`).digest("hex");
  },
};
