// Vite for the gacha page. The dev server proxies the API paths to the gateway,
// so the page and the API share one origin (no CORS), as behind the Ingress.
//   WEB_HOST      interface to listen on: 127.0.0.1 (default) or 0.0.0.0 in a container
//   WEB_PORT      the dev server's port: 5173 (default; npm run dev checks it is free first)
//   GATEWAY_URL   where the API is: http://127.0.0.1:8080 (npm run dev), http://gateway:8080 in the cluster
//   AUTH_URL      where sign-up/sign-in are: http://127.0.0.1:8081 (npm run dev), http://auth:8081 in the cluster
import react from "@vitejs/plugin-react";
import { defineConfig, type ProxyOptions } from "vite";

/** The gateway's routes (README.md, "HTTP API"); everything else is the page. */
export const API_PATHS = /^\/(draw|histories|inventories|healthz|readyz)(\/|\?|$)/;

const gateway: ProxyOptions = {
  target: process.env.GATEWAY_URL ?? "http://127.0.0.1:8080",
  // keep the browser's Host header: the gateway does not care, and logs show the real host
  changeOrigin: false,
  // a gateway that hangs must not hang the page: the API client gives up after 10 s anyway
  proxyTimeout: 15_000,
  timeout: 15_000,
};

/** The auth service's routes: sign-up and sign-in (POST /auth/register, /auth/login). */
export const AUTH_PATHS = /^\/auth\//;

const auth: ProxyOptions = { ...gateway, target: process.env.AUTH_URL ?? "http://127.0.0.1:8081" };

export default defineConfig({
  plugins: [react()],
  server: {
    host: process.env.WEB_HOST ?? "127.0.0.1",
    port: Number(process.env.WEB_PORT ?? 5173),
    strictPort: true,
    proxy: { [API_PATHS.source]: gateway, [AUTH_PATHS.source]: auth },
  },
  preview: {
    host: process.env.WEB_HOST ?? "127.0.0.1",
    port: 4173,
    strictPort: true,
    proxy: { [API_PATHS.source]: gateway, [AUTH_PATHS.source]: auth },
  },
  build: { outDir: "dist", emptyOutDir: true },
});
