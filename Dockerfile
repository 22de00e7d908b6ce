# The worker image used by docker-compose.yml and deploy/. Node 24 (the current LTS) on glibc:
# Temporal's native bridge has no musl build.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/bundle-zod.ts scripts/bundle-workflows.ts scripts/worker-runtime-package.ts ./scripts/
COPY src ./src
# Compiles, bundles zod into one module and the workflows once (dist/workflow-bundle.js): the worker starts without running webpack.
RUN npm run build
# The image's node_modules: the package's dependencies and the peers a worker needs (the Temporal SDK and
# the target SDKs), without the build and test tools.
RUN mkdir /runtime && npx tsx scripts/worker-runtime-package.ts /runtime/package.json \
  && cd /runtime && npm install --omit=dev --no-audit --no-fund

FROM node:24-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /runtime/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
# V8 lets an idle heap grow long before it collects: capped, a worker holding 5,000 syncs peaked at 319 MiB
# RSS instead of 637 MiB (docs/scaling.md#memory). Raise the cap with NODE_OPTIONS for a bigger workflow cache.
ENV NODE_OPTIONS="--max-semi-space-size=2 --max-old-space-size=160"
# Probes: /livez and /readyz on 8081 (LST_HEALTH_ADDRESS); Prometheus on 9464 once LST_METRICS_ADDRESS is set.
ENV LST_HEALTH_ADDRESS=0.0.0.0:8081
EXPOSE 8081 9464
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8081/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# uid 1000, not root.
USER node
# The worker reads its configuration from the environment (see README) and stops cleanly on SIGTERM.
CMD ["node", "dist/worker.js"]
