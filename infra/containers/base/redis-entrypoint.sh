#!/bin/sh
# The official image turns protected mode off at build time; Debian's build keeps it on, which
# refuses every client from outside the container when no password is set.
set -eu
if [ "${1:-}" = redis-server ]; then
  case " $* " in *" --protected-mode "*) ;; *) set -- "$@" --protected-mode no ;; esac
fi
exec "$@"
