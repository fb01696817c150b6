# Node 20 on Debian bookworm, standing in for node:20-bookworm-slim where no registry is reachable:
# the same user (node, uid 1000), the same paths (/usr/local/bin/node, npm, npx).
# Context: a folder holding this machine's `node` binary, its headers, its `npm` package and its CA bundle
# (build-base.sh): a machine whose egress goes through a TLS-inspecting proxy trusts that proxy's
# certificate authority in its bundle, and npm inside the image must too.
ARG DEBIAN_IMAGE
FROM ${DEBIAN_IMAGE}
RUN groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node
COPY node /usr/local/bin/node
COPY npm /usr/local/lib/node_modules/npm
COPY ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
# Node's C headers, as in the official images: node-gyp compiles native modules against them
# instead of downloading them from nodejs.org, which these machines cannot reach.
COPY include /usr/local/include/node
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt npm_config_nodedir=/usr/local
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
  && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
  && node --version && npm --version
CMD ["node"]
