# SmarterRouter image: build with every dependency, run with production ones only, as `node`.
#   docker build -t smarterrouter . && docker run -p 127.0.0.1:11436:11436 smarterrouter
# The same image runs the simulated fleet: node_modules/.bin/tsx server/simulator/main.ts --host 0.0.0.0

FROM node:20-bookworm-slim AS deps
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM deps AS build
COPY . .
RUN npx next build && rm -rf .next/cache

FROM node:20-bookworm-slim AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM node:20-bookworm-slim AS runtime
WORKDIR /app
# Inside a container the router must listen on every interface; publish the port deliberately.
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1 ROUTER_HOST=0.0.0.0 ROUTER_PORT=11436
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/.next ./.next
# scripts/start.mjs bundles scripts/start.ts with what it imports (server/, instrumentation.node.ts)
# into build/ at the first start and runs it: validate the configuration, serve; migrations
# (drizzle/) run at start-up; tsconfig.json is there for tsx (simulated fleet).
COPY package.json package-lock.json next.config.ts tsconfig.json ENV_DEFAULT instrumentation.node.ts ./
COPY drizzle ./drizzle
COPY server ./server
COPY scripts ./scripts
# Without DATABASE_URL the embedded database lives in /app/data; build/ holds the server bundle.
RUN mkdir -p data .next/cache build && chown -R node:node data .next/cache build
USER node
EXPOSE 11436
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:11436/health').then(r=>process.exit(r.status<500?0:1)).catch(()=>process.exit(1))"
CMD ["node", "scripts/start.mjs"]
