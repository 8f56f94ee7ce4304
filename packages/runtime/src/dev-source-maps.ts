// Imported first by each service's main.ts. Under tsx (npm run dev, skaffold dev) source maps
// are on, and Node then reads and parses the .map file of every dependency that ships one
// (OpenTelemetry, Prisma, ...) as it loads: ~60 ms of each restart after a save
// (docs/hot-reload.md). Stack traces need maps for our own TypeScript only, so keep those and
// skip node_modules and eval'd code. Compiled JS (prod) starts with source maps off: left alone.
import { getSourceMapsSupport, setSourceMapsSupport } from "node:module";

if (getSourceMapsSupport().enabled) setSourceMapsSupport(true, { nodeModules: false, generatedCode: false });
