# syntax=docker/dockerfile:1
#
# One image per process, each a target of this file (docker-compose.yml picks them):
#   docker build --target ingest-api -t rum/ingest-api .
#   targets: ingest-api, query-api, workers, websocket, migrate, dashboard
# Services run their TypeScript through tsx, exactly as `npm start -w services/<name>` does.

ARG NODE_IMAGE=node:20-bookworm-slim

# --- dependencies -----------------------------------------------------------------------
# Only the manifests first, so the npm ci layer is reused until a package.json changes.
FROM ${NODE_IMAGE} AS manifests
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages/shared/package.json packages/shared/
COPY packages/cli/package.json packages/cli/
COPY packages/sdk/package.json packages/sdk/
COPY services/ingest-api/package.json services/ingest-api/
COPY services/query-api/package.json services/query-api/
COPY services/workers/package.json services/workers/
COPY services/websocket/package.json services/websocket/
COPY apps/dashboard/package.json apps/dashboard/

FROM manifests AS deps-prod
RUN npm ci --omit=dev --no-audit --no-fund

FROM manifests AS deps-all
RUN npm ci --no-audit --no-fund

# --- the Node runtime shared by every service ------------------------------------------
FROM deps-prod AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    RUM_DATA_DIR=/data
# Sources (see .dockerignore: no node_modules, data, builds or test output).
COPY --chown=node:node . .
RUN mkdir -p /data && chown node:node /data
USER node

FROM runtime AS ingest-api
WORKDIR /app/services/ingest-api
EXPOSE 4000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.INGEST_PORT||4000)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "--import", "tsx", "src/server.ts"]

FROM runtime AS query-api
WORKDIR /app/services/query-api
EXPOSE 4001
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.QUERY_PORT||4001)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "--import", "tsx", "src/server.ts"]

FROM runtime AS websocket
WORKDIR /app/services/websocket
EXPOSE 4500
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.WS_PORT||4500)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "--import", "tsx", "src/server.ts"]

FROM runtime AS workers
WORKDIR /app/services/workers
# SIGTERM lets active jobs finish; give it time before the engine sends SIGKILL.
STOPSIGNAL SIGTERM
CMD ["node", "--import", "tsx", "src/server.ts"]

# `rum migrate` against DATABASE_URL (a one-shot job in docker-compose), or any other rum command.
FROM runtime AS migrate
WORKDIR /app
ENTRYPOINT ["node", "packages/cli/bin/rum.js"]
CMD ["migrate"]

# --- the dashboard: built by vite, served by nginx ---------------------------------------
FROM deps-all AS dashboard-build
COPY . .
# Empty: the dashboard calls the APIs on the host it is served from, ports 4001 / 4500.
ARG VITE_QUERY_API_URL=""
ARG VITE_WEBSOCKET_URL=""
ARG VITE_QUERY_API_PORT=""
ARG VITE_WEBSOCKET_PORT=""
ENV VITE_QUERY_API_URL=${VITE_QUERY_API_URL} \
    VITE_WEBSOCKET_URL=${VITE_WEBSOCKET_URL} \
    VITE_QUERY_API_PORT=${VITE_QUERY_API_PORT} \
    VITE_WEBSOCKET_PORT=${VITE_WEBSOCKET_PORT}
RUN npm run build -w apps/dashboard

FROM nginx:1.27-alpine AS dashboard
COPY apps/dashboard/nginx.conf /etc/nginx/conf.d/default.conf
COPY --from=dashboard-build /app/apps/dashboard/dist /usr/share/nginx/html
EXPOSE 5173
HEALTHCHECK --interval=10s --timeout=3s CMD wget -q -O /dev/null http://127.0.0.1:5173/ || exit 1
