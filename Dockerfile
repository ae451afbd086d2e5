# nhiscan as a container image: `docker build -t nhiscan .`, then
# `docker run --rm -v "$PWD:/work" -w /work nhiscan scan --config nhiscan.config.yaml`.
# Build stage: the full install compiles TypeScript to dist/ (npm ci runs `prepare`).
FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY connectors ./connectors
COPY policies ./policies
COPY bench ./bench
COPY fixtures/demo ./fixtures/demo
RUN npm ci --no-audit --no-fund

# Runtime stage: production dependencies only, the compiled code, an unprivileged user.
FROM node:20-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
# The Entra and Workspace connectors' SDKs are optional (README, "Optional SDKs"): name the ones
# to add, e.g. --build-arg OPTIONAL_SDKS="@azure/identity@4.13.1 @microsoft/microsoft-graph-client@3.0.7 selfsigned@5.5.0 @googleapis/admin@32.1.0".
ARG OPTIONAL_SDKS=""
# `prepare` builds from source, which this stage does not have: dist/ comes from the build stage.
RUN npm pkg delete scripts.prepare && npm ci --omit=dev --no-audit --no-fund \
  && if [ -n "$OPTIONAL_SDKS" ]; then npm install --no-save --omit=dev --no-audit --no-fund $OPTIONAL_SDKS; fi \
  && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY --from=build /app/fixtures/demo ./fixtures/demo
COPY README.md ./
RUN useradd --create-home --shell /usr/sbin/nologin nhiscan
USER nhiscan
ENTRYPOINT ["node", "/app/dist/src/cli.js"]
CMD ["--help"]
