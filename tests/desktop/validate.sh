#!/usr/bin/env bash
# validate.sh desktop|metainfo FILE: the freedesktop validator of that kind of file must accept it
# without a single error or warning (AppStream's infos and pedantic notes are allowed).
set -uo pipefail
kind=$1 file=$2
case $kind in
  desktop)
    if ! command -v desktop-file-validate >/dev/null; then
      echo "SKIP: desktop-file-validate not installed (apt-get install desktop-file-utils)"; exit 77
    fi
    # It exits 0 on warnings and hints: any output is a failure here.
    out=$(desktop-file-validate "$file" 2>&1); rc=$?
    [ -n "$out" ] && echo "$out"
    [ $rc -eq 0 ] && [ -z "$out" ] ;;
  metainfo)
    if ! command -v appstreamcli >/dev/null; then
      echo "SKIP: appstreamcli not installed (apt-get install appstream)"; exit 77
    fi
    # Non-zero on errors and warnings; --no-net: tests never touch the internet.
    appstreamcli validate --no-net "$file" ;;
  *) echo "validate.sh: unknown kind '$kind' (desktop or metainfo)" >&2; exit 2 ;;
esac
