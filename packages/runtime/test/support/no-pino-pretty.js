// Preload (node --require) that makes this process behave as if pino-pretty
// were not installed, as in the prod image (no dev dependencies): every
// resolution of it fails the way Node's does, whoever asks (us or pino).
const Module = require("node:module");

const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (request === "pino-pretty" || request.startsWith("pino-pretty/")) {
    const err = new Error(`Cannot find module '${request}'`);
    err.code = "MODULE_NOT_FOUND";
    throw err;
  }
  return resolve.call(this, request, ...rest);
};
