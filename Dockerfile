FROM node:20-bookworm-slim
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx next build
# Inside a container the router must listen on every interface; publish the port deliberately.
ENV ROUTER_HOST=0.0.0.0 ROUTER_PORT=11436
EXPOSE 11436
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:11436/health').then(r=>process.exit(r.status<500?0:1)).catch(()=>process.exit(1))"
CMD ["npx", "tsx", "scripts/start.ts"]
