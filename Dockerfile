# syntax=docker/dockerfile:1
#
# One image per process, each a target of this file (docker-compose.yml picks them):
#   docker build --target ingest-api -t rum/ingest-api .
#   targets: ingest-api, query-api, workers, websocket, migrate, dashboard
#
# The services and the CLI run as JavaScript compiled by tsc (`npm run build:dist`: each
# package's dist/), with `node --conditions=@rum/dist`: our packages' exports point at
# src/*.ts by default (development, tests, tsx) and at dist/*.js under that condition.
# Each image holds Node, its own production dependencies and the compiled code it runs: no
# sources, tests, TypeScript tooling, npm cache or other service's dependencies.

ARG NODE_IMAGE=node:24-bookworm-slim
ARG NGINX_IMAGE=nginx:stable-alpine

# --- the build context, and every package.json of it -------------------------------------
FROM ${NODE_IMAGE} AS context
WORKDIR /src
# Sources (see .dockerignore: no node_modules, dist, data or test output).
COPY . .
RUN mkdir /manifests \
 && cp package.json package-lock.json /manifests/ \
 && find packages services apps tests -mindepth 2 -maxdepth 2 -name package.json \
      -exec cp --parents {} /manifests/ \;

# Only the manifests: the layers below are reused until a package.json or the lockfile changes.
FROM ${NODE_IMAGE} AS manifests
WORKDIR /app
COPY --from=context /manifests/ ./

# --- the build: every dependency, the sources, tsc ---------------------------------------
FROM manifests AS deps-all
RUN --mount=type=cache,target=/root/.npm,sharing=locked npm ci --no-audit --no-fund

FROM deps-all AS sources
COPY --from=context /src/ ./

FROM sources AS build
# Declarations and build info are only for tsc's project references.
RUN npm run build:dist \
 && find packages services apps -path '*/dist/*' \( -name '*.d.ts' -o -name '*.tsbuildinfo' \) -delete

# --- production dependencies, one install per image --------------------------------------
# npm counts every workspace as a production dependency of the root, so `npm ci --omit=dev
# --workspace <one>` would still install that workspace's dev-only workspaces (@rum/testing,
# and the embedded database's WebAssembly engine with it). Each manifest keeps only its
# "dependencies" here (the CLI's optional ones serve only its development commands); the
# lockfile still pins every version.
FROM manifests AS prod-manifests
RUN npm pkg delete devDependencies optionalDependencies --workspaces

FROM prod-manifests AS deps-ingest-api
RUN --mount=type=cache,target=/root/.npm,sharing=locked \
    npm ci --omit=dev --no-audit --no-fund --workspace services/ingest-api

FROM prod-manifests AS deps-query-api
RUN --mount=type=cache,target=/root/.npm,sharing=locked \
    npm ci --omit=dev --no-audit --no-fund --workspace services/query-api

FROM prod-manifests AS deps-websocket
RUN --mount=type=cache,target=/root/.npm,sharing=locked \
    npm ci --omit=dev --no-audit --no-fund --workspace services/websocket

FROM prod-manifests AS deps-workers
RUN --mount=type=cache,target=/root/.npm,sharing=locked \
    npm ci --omit=dev --no-audit --no-fund --workspace services/workers

FROM prod-manifests AS deps-cli
RUN --mount=type=cache,target=/root/.npm,sharing=locked \
    npm ci --omit=dev --no-audit --no-fund --workspace packages/cli

# --- the Node runtime shared by every service ------------------------------------------
# Files belong to root and are read-only to the process, which runs as `node`.
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0
WORKDIR /app
USER node

FROM runtime AS ingest-api
COPY --from=deps-ingest-api /app/ ./
COPY --from=build /app/packages/contract/dist packages/contract/dist/
COPY --from=build /app/packages/server-kit/dist packages/server-kit/dist/
COPY --from=build /app/services/ingest-api/dist services/ingest-api/dist/
WORKDIR /app/services/ingest-api
EXPOSE 4000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.INGEST_PORT||4000)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "--conditions=@rum/dist", "dist/server.js"]

FROM runtime AS query-api
COPY --from=deps-query-api /app/ ./
COPY --from=build /app/packages/contract/dist packages/contract/dist/
COPY --from=build /app/packages/server-kit/dist packages/server-kit/dist/
COPY --from=build /app/services/query-api/dist services/query-api/dist/
WORKDIR /app/services/query-api
EXPOSE 4001
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.QUERY_PORT||4001)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "--conditions=@rum/dist", "dist/server.js"]

FROM runtime AS websocket
COPY --from=deps-websocket /app/ ./
COPY --from=build /app/packages/contract/dist packages/contract/dist/
COPY --from=build /app/packages/server-kit/dist packages/server-kit/dist/
COPY --from=build /app/services/websocket/dist services/websocket/dist/
WORKDIR /app/services/websocket
EXPOSE 4500
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.WS_PORT||4500)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "--conditions=@rum/dist", "dist/server.js"]

FROM runtime AS workers
COPY --from=deps-workers /app/ ./
COPY --from=build /app/packages/contract/dist packages/contract/dist/
COPY --from=build /app/packages/server-kit/dist packages/server-kit/dist/
COPY --from=build /app/services/workers/dist services/workers/dist/
WORKDIR /app/services/workers
# Health and metrics only (GET /health, /metrics); the work comes from the Redis queue.
EXPOSE 4002
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.WORKERS_PORT||4002)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# SIGTERM lets active jobs finish; give it time before the engine sends SIGKILL.
STOPSIGNAL SIGTERM
CMD ["node", "--conditions=@rum/dist", "dist/server.js"]

# `rum migrate` against DATABASE_URL (a one-shot job in docker-compose), and the other
# commands that work on a real database: project, token, dead-letter. The development
# commands (db, start, simulate) need the embedded database and are not in this image.
FROM runtime AS migrate
COPY --from=deps-cli /app/ ./
COPY --from=build /app/packages/contract/dist packages/contract/dist/
COPY --from=build /app/packages/server-kit/dist packages/server-kit/dist/
COPY --from=build /app/packages/cli/dist packages/cli/dist/
COPY db/migrations db/migrations/
ENTRYPOINT ["node", "--conditions=@rum/dist", "packages/cli/dist/main.js"]
CMD ["migrate"]

# --- the dashboard: built by vite, served by nginx ---------------------------------------
FROM sources AS dashboard-build
# Empty: the dashboard calls the APIs on the host it is served from, ports 4001 / 4500.
ARG VITE_QUERY_API_URL=""
ARG VITE_WEBSOCKET_URL=""
ARG VITE_QUERY_API_PORT=""
ARG VITE_WEBSOCKET_PORT=""
ENV VITE_QUERY_API_URL=${VITE_QUERY_API_URL} \
    VITE_WEBSOCKET_URL=${VITE_WEBSOCKET_URL} \
    VITE_QUERY_API_PORT=${VITE_QUERY_API_PORT} \
    VITE_WEBSOCKET_PORT=${VITE_WEBSOCKET_PORT}
# Source maps are built 'hidden' (no sourceMappingURL) and stay in this stage: take them from
# here for an error tracker (`docker build --target dashboard-build`); they are not served.
RUN npm run build -w apps/dashboard \
 && mkdir -p /sourcemaps \
 && cd apps/dashboard/dist \
 && find . -name '*.map' -exec cp --parents {} /sourcemaps/ \; -delete

FROM ${NGINX_IMAGE} AS dashboard
COPY apps/dashboard/nginx.conf /etc/nginx/conf.d/default.conf
COPY --from=dashboard-build /app/apps/dashboard/dist /usr/share/nginx/html
EXPOSE 5173
HEALTHCHECK --interval=10s --timeout=3s CMD wget -q -O /dev/null http://127.0.0.1:5173/ || exit 1
