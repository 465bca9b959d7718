# Tandem in one image: TypeScript run by tsx (no build step), every role behind `bin/tandem`.
#   docker build -t tandem:local .   then   docker run tandem:local all
FROM node:20-bookworm-slim

ENV NODE_ENV=production \
    TANDEM_API_PORT=8080
WORKDIR /app

# Dependencies first, so source edits reuse this layer. tsx (a runtime dependency) runs the
# TypeScript directly. Install scripts only build optional native add-ons
# (cpu-features, ssh2) that Tandem does not need and that would want a compiler here.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

COPY . .
RUN chmod 0755 bin/tandem

USER node
EXPOSE 8080
ENTRYPOINT ["/app/bin/tandem"]
CMD ["all"]
