# Tandem in one image: TypeScript run by tsx (no build step), every role behind `bin/tandem`.
#   docker build -t tandem:local .   then   docker run tandem:local all
# Node 24: the LTS line with security support until April 2028 (22 ends in April 2027; 20 ended
# in April 2026). The code also runs on Node 20, which the development machines have.
FROM node:24-bookworm-slim

# kafkajs 2.2.4 sets a negative timer after every request when nothing is throttled (Node has
# always run it after 1 ms); Node 24 warns each time (kafkajs issue 1751): silence that one only.
ENV NODE_ENV=production \
    NODE_OPTIONS=--disable-warning=TimeoutNegativeWarning \
    TANDEM_API_PORT=8080
WORKDIR /app

# Dependencies first, so source edits reuse this layer. tsx (a runtime dependency) runs the
# TypeScript directly. Install scripts only build optional native add-ons
# (cpu-features, ssh2) that Tandem does not need and that would want a compiler here.
# patch-package then applies patches/ (kafkajs's send retries; ADR 0010): the roles refuse to
# start on an unpatched kafkajs.
COPY package.json package-lock.json ./
COPY patches ./patches
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npx patch-package \
    && npm cache clean --force

COPY . .
RUN chmod 0755 bin/tandem

# Kubernetes (deploy/k8s) runs it as uid 1000 (`node`) on a read-only root: tsx keeps its compile
# cache in the temporary folder, so /tmp must be writable (an emptyDir there).
USER node
EXPOSE 8080
ENTRYPOINT ["/app/bin/tandem"]
CMD ["all"]
