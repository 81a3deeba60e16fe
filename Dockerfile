FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
COPY catalog ./catalog
USER node
# Run node directly (not npm) so SIGTERM from the orchestrator reaches the process.
CMD ["node", "--import", "tsx", "src/app/main.ts", "api"]
