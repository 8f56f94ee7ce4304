# One image recipe for the four Node services (gacha, item, gateway, auth); the
# web page has its own (services/web/Dockerfile). The build context is the
# repository root and SERVICE names the service:
#   docker build -f services/node.Dockerfile --build-arg SERVICE=gacha --target dev  .  # skaffold dev
#   docker build -f services/node.Dockerfile --build-arg SERVICE=gacha --target prod .  # skaffold run -p prod
# The gateway (no database) also takes --build-arg MIGRATIONS=package.json, as
# skaffold.yaml passes it (see the src stage).
# Skaffold passes SERVICE through docker.buildArgs and resolves it in the COPY
# paths when it lists an artifact's dependencies, so each artifact still depends
# only on its own files (docs/containers.md, "One Dockerfile").
#
# Stages: deps (all dependencies + generated code, the same for every service)
#   -> src (the sources SERVICE needs) -> dev   (nodemon + tsx, sources synced by skaffold)
#                                      -> build (tsc, prune, runtime tree) -> prod
# No EXPOSE: the ports differ per service and are documentation only (the manifests
# declare them).
# No secret is used at build time: database URLs and the auth signing key come
# from the environment and mounted Secrets at run time.

# Node LTS 24 everywhere. These exact names are also what scripts/containers/base-images.sh
# builds as offline stand-ins; pin by digest (name@sha256:...) in a real registry setup.
ARG NODE_IMAGE=node:24-bookworm-slim
ARG RUNTIME_IMAGE=gcr.io/distroless/nodejs24-debian12:nonroot
# no default: without --build-arg SERVICE=... the COPY of services/${SERVICE}/ fails
ARG SERVICE

# ---------------------------------------------------------------------------
# deps: does not declare SERVICE, so its layers (and the `npm ci` one) are the
# same bytes for every service and built once, then shared from the cache.
FROM ${NODE_IMAGE} AS deps
ENV CHECKPOINT_DISABLE=1 \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false
# skaffold sync runs `tar xmf - -C /` in the container: make sure tar is there
# (node:*-slim already ships it; this is a no-op then).
RUN command -v tar >/dev/null \
 || (apt-get update && apt-get install -y --no-install-recommends tar && rm -rf /var/lib/apt/lists/*)
WORKDIR /app
# The `node` user (uid 1000) of the official image owns the app folder, so the
# dev container can run as non-root and still receive synced files.
RUN chown 1000:1000 /app
USER 1000:1000
# Only the manifests first, so `npm ci` stays cached while sources change.
# Every workspace's package.json is needed: npm ci installs the whole lockfile.
COPY --chown=1000:1000 package.json package-lock.json tsconfig.base.json buf.yaml buf.gen.yaml ./
COPY --chown=1000:1000 packages/proto/package.json packages/proto/
COPY --chown=1000:1000 packages/runtime/package.json packages/runtime/
COPY --chown=1000:1000 packages/telemetry/package.json packages/telemetry/
COPY --chown=1000:1000 packages/database/package.json packages/database/
COPY --chown=1000:1000 packages/migrate/package.json packages/migrate/
COPY --chown=1000:1000 packages/testing/package.json packages/testing/
COPY --chown=1000:1000 services/item/package.json services/item/
COPY --chown=1000:1000 services/gacha/package.json services/gacha/
COPY --chown=1000:1000 services/gateway/package.json services/gateway/
COPY --chown=1000:1000 services/auth/package.json services/auth/
COPY --chown=1000:1000 services/web/package.json services/web/
# Inputs of the root postinstall (`npm run generate`: buf + ts-proto, prisma generate)
COPY --chown=1000:1000 proto/ proto/
# only what `prisma generate` reads (schema + config): `COPY prisma/` would make
# every service's migrations an input of the shared npm ci layer
COPY --chown=1000:1000 prisma/gacha/schema.prisma prisma/gacha/prisma.config.ts prisma/gacha/
COPY --chown=1000:1000 prisma/item/schema.prisma prisma/item/prisma.config.ts prisma/item/
COPY --chown=1000:1000 prisma/auth/schema.prisma prisma/auth/prisma.config.ts prisma/auth/
COPY --chown=1000:1000 scripts/generate.js scripts/no-schema-engine.sh scripts/
RUN --mount=type=cache,target=/home/node/.npm,uid=1000,gid=1000 npm ci

# ---------------------------------------------------------------------------
# src: the sources of SERVICE. Skaffold resolves ${SERVICE} from the artifact's
# buildArgs when it lists dependencies, so services/<other>/ and other services'
# migrations are no dependency of this artifact. The shared packages are the
# union of what the four services import (gateway uses neither database nor
# migrate, auth not proto): every image that copies one depends on it (skaffold
# dev syncs their sources into those containers instead of rebuilding).
FROM deps AS src
ARG SERVICE
COPY --chown=1000:1000 packages/proto/ packages/proto/
COPY --chown=1000:1000 packages/runtime/ packages/runtime/
COPY --chown=1000:1000 packages/telemetry/ packages/telemetry/
COPY --chown=1000:1000 packages/database/ packages/database/
COPY --chown=1000:1000 packages/migrate/ packages/migrate/
# this service's migrations (the <service>-migrate Job applies them). The gateway
# has no database: skaffold.yaml sets MIGRATIONS=package.json for it, a file the
# deps stage already put at that path, so the line changes nothing (skaffold
# rejects a COPY source that matches no file, so an optional glob cannot do it).
ARG MIGRATIONS=prisma/${SERVICE}/migrations/
COPY --chown=1000:1000 ${MIGRATIONS} ${MIGRATIONS}
# with services/gacha/config/ (the item pool) for gacha
COPY --chown=1000:1000 services/${SERVICE}/ services/${SERVICE}/

# ---------------------------------------------------------------------------
# dev: all dependencies and the TypeScript sources; nodemon restarts tsx when
# skaffold syncs a changed .ts file into /app/services/<service>/src (skaffold.yaml).
FROM src AS dev
ARG SERVICE
# NODE_COMPILE_CACHE: Node 24 keeps V8's compiled code of every loaded module there, so
# a restart after a save skips recompiling what did not change (~10% less CPU per
# restart, docs/hot-reload.md). /tmp is an emptyDir in the pods, outside every synced path.
ENV NODE_ENV=development \
    PATH=/app/node_modules/.bin:$PATH \
    NODE_COMPILE_CACHE=/tmp/node-compile-cache
USER 1000:1000
# nodemon reads services/<service>/nodemon.json from its working directory
WORKDIR /app/services/${SERVICE}
CMD ["nodemon"]

# ---------------------------------------------------------------------------
# build: compile to JavaScript (generated clients included), drop dev deps, then
# gather what prod runs into /out: package.json + dist of every workspace folder
# this service compiled, the gacha item pool, this service's migrations.
FROM src AS build
ARG SERVICE
USER root
# packages/migrate is no project reference of the services: the migration Job runs
# it, so it is compiled only for a service with migrations (not the gateway)
RUN node_modules/.bin/tsc -b services/${SERVICE} $(test -d prisma/${SERVICE}/migrations && echo packages/migrate)
# --omit=optional too: @prisma/client's optional peers (the prisma CLI, typescript)
# are `devOptional` in the lockfile and survive --omit=dev alone (~200 MB with
# Prisma Studio); the lockfile has no optional dependency that prod needs.
RUN npm prune --omit=dev --omit=optional --ignore-scripts
RUN set -e; mkdir /out; cp package.json /out/; \
    for d in packages/* services/${SERVICE}; do \
      if [ -d "$d/dist" ]; then mkdir -p "/out/$d" && cp -r "$d/package.json" "$d/dist" "/out/$d/"; fi; \
    done; \
    if [ -d "services/${SERVICE}/config" ]; then cp -r "services/${SERVICE}/config" "/out/services/${SERVICE}/"; fi; \
    if [ -d "prisma/${SERVICE}/migrations" ]; then \
      mkdir -p "/out/prisma/${SERVICE}" && cp -r "prisma/${SERVICE}/migrations" "/out/prisma/${SERVICE}/"; \
    fi

# ---------------------------------------------------------------------------
# prod: distroless Node 24, non-root (uid 65532), no shell, no package manager.
# Nothing here writes to the filesystem, so it runs with a read-only root FS.
# node_modules/@gacha/* are symlinks to the workspace folders: /out has those
# folders (package.json + dist) at the same paths, so the links resolve.
FROM ${RUNTIME_IMAGE} AS prod
ARG SERVICE
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/node_modules/ node_modules/
COPY --from=build /out/ ./
USER 65532:65532
# the service's own folder, as in dev; the migration containers set workingDir: /app.
# (CMD's exec form expands no ARG, hence the relative path.)
WORKDIR /app/services/${SERVICE}
# the image's entrypoint is /nodejs/bin/node
CMD ["dist/main.js"]
