#!/bin/sh
# A certificate authority of this machine's own and a server certificate it signs, for the
# gateway's TLS listener where no real certificate exists (the local stack, the e2e stack, compose).
#   sh infra/gateway/local-tls.sh <dir> <name>...     e.g.  .tollgate/tls 127.0.0.1 localhost app.localhost
# Writes <dir>/ca.crt (give it to clients: TOLLGATE_CA_FILE, curl --cacert), ca.key (0600),
# server.crt and server.key (0600). Run again, it changes nothing while the names are the same and
# the server certificate has more than 30 days left; it renews the server certificate otherwise.
# The CA may only sign for the names it was made for (an RFC 5280 name constraint, section
# 4.2.1.10), so trusting it on a desktop cannot vouch for any other site; other names make a new CA.
# Production uses real certificates instead (GATEWAY_TLS_CERT, GATEWAY_TLS_KEY).
set -eu

dir=${1:?usage: local-tls.sh <dir> <name>...}
shift
[ "$#" -gt 0 ] || { echo "usage: local-tls.sh <dir> <name>..." >&2; exit 2; }
names=$(printf '%s\n' "$@" | sort -u | tr '\n' ' ')
names=${names% }

san="" constraints=""
for name in $names; do
  case "$name" in
    *[!0-9.]*) san="$san,DNS:$name" constraints="$constraints,permitted;DNS:$name" ;;
    *) san="$san,IP:$name" constraints="$constraints,permitted;IP:$name/255.255.255.255" ;;
  esac
done
san=${san#,} constraints=${constraints#,}

umask 022
mkdir -p "$dir"
cd "$dir"

if [ ! -f ca.crt ] || [ ! -f ca.key ] || [ "$(cat names 2>/dev/null)" != "$names" ]; then
  rm -f ca.crt ca.key server.crt server.key
  (umask 077 && openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ca.key 2>/dev/null)
  openssl req -x509 -new -key ca.key -sha256 -days 3650 -out ca.crt \
    -subj "/O=Tollgate local/CN=Tollgate local CA ($(hostname 2>/dev/null || echo local))" \
    -addext "basicConstraints=critical,CA:TRUE,pathlen:0" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -addext "nameConstraints=critical,$constraints" 2>/dev/null
  printf '%s' "$names" >names
  echo "local-tls: made a new certificate authority in $dir/ca.crt for: $names"
fi

if [ ! -f server.crt ] || [ ! -f server.key ] || ! openssl x509 -in server.crt -noout -checkend 2592000 >/dev/null 2>&1; then
  (umask 077 && openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out server.key 2>/dev/null)
  openssl req -new -key server.key -subj "/O=Tollgate local/CN=${names%% *}" -out server.csr 2>/dev/null
  # 365 days, under the 398 that browsers accept for a server certificate.
  printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=%s\n' "$san" >server.ext
  openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -sha256 -days 365 \
    -extfile server.ext -out server.crt 2>/dev/null
  rm -f server.csr server.ext ca.srl
  echo "local-tls: signed a server certificate for: $names"
fi
