# The headless proxy as a container image: built in one stage, run in another from the compiled
# JavaScript with production dependencies only, as the unprivileged `node` user.
#   docker build -t cascadeflow .
#   docker run -d --name cascadeflow -p 8000:8000 -v cascadeflow-data:/data cascadeflow
#   docker logs cascadeflow     # the banner: the dashboard link with the admin token, printed once
# HOST=0.0.0.0 (needed to be reached through the published port) turns on the admin token:
# /api, /stats and /metrics need it, and clients using the proxy's own key send it. It is kept
# in /data/config.json, so it survives restarts. The address the banner shows is the
# container's; other machines use the Docker host's address and the published port.

FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# No install scripts: `prepare` would build before the sources are here, and Electron's
# runtime is never needed by the proxy.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npm run build:renderer && npm run build:proxy

FROM node:20-slim
# The drain stays below `docker stop`'s 10 s, so a stop lets streams finish instead of killing them.
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8000 \
    CASCADEFLOW_DATA_DIR=/data \
    CASCADEFLOW_DRAIN_TIMEOUT_MS=8000
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist/proxy ./dist/proxy
COPY --from=build /app/dist/renderer ./dist/renderer
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8000
# /health answers 200 while the proxy serves (its body says "degraded" and why when the upstream
# cannot be reached); the image has no curl, so Node asks.
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||8000)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
STOPSIGNAL SIGTERM
# Stack traces name the bundle's lines; -e NODE_OPTIONS=--enable-source-maps names the .ts ones (~5 MB more memory).
CMD ["node", "dist/proxy/cli.js"]
