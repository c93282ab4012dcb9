# The licensing backend: one image for the API and the projector (the command picks which).
#
#   docker build -t licensing-backend .
#   docker run -p 3000:3000 licensing-backend                                # API, embedded stores in /app/data
#   docker run licensing-backend node dist/apps/projector/src/main.js       # projector

# Build: better-sqlite3 compiles from source when no prebuilt binary fits, so the toolchain is here.
FROM node:20-bookworm-slim AS build
WORKDIR /app
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY apps apps
COPY libs libs
COPY bench bench
COPY test/support test/support
RUN npm run build && npm prune --omit=dev

# Run: the same Debian and Node as the build stage, so the compiled native modules fit; no toolchain, no dev deps.
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY config config
COPY docker/healthcheck.js docker/healthcheck.js
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 3000 3001
# Probes the API's or the projector's port, whichever this container runs. /health reads the event store's head,
# bounded by LICENSING_CONNECT_TIMEOUT_MS (5 s by default): the probe's timeout leaves room above it.
HEALTHCHECK --interval=10s --timeout=15s --start-period=20s --retries=3 CMD ["node", "docker/healthcheck.js"]
CMD ["node", "dist/apps/api/src/main.js"]
