# One image for every app; APP picks which one runs (gateway, timer, executor, projector, relay, standalone).
FROM node:20-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 builds its native addon from source (no prebuilt binary download).
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY apps ./apps
COPY libs ./libs
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production APP=standalone DATA_DIR=/data
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY bin/start-app.sh ./bin/
# The dashboard's static files (tsc does not copy them) next to the compiled gateway that serves them.
COPY --from=build /app/apps/gateway/src/dashboard/public ./dist/apps/gateway/src/dashboard/public
VOLUME /data
CMD ["sh", "bin/start-app.sh"]
