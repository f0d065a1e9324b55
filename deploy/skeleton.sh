#!/bin/sh
# Usage: deploy/skeleton.sh SRC DEST
#
# Copies the workspace's manifests (Cargo.toml, Cargo.lock) from SRC to DEST and puts a
# stub `fn main() {}` at every target's source path (lib, bin, test, bench, example, build
# script), as `cargo metadata` reports them. Building DEST compiles every dependency and
# nothing of ours, so the Dockerfile can cache that layer until a manifest changes: the
# idea of cargo-chef without installing it. New crates (and the H5 crate later) are picked
# up without editing the Dockerfile. deploy/check.sh runs this too.
set -eu

src=$(cd "$1" && pwd)
dest=$2
mkdir -p "$dest"
cp "$src/Cargo.toml" "$src/Cargo.lock" "$dest/"

# --no-deps: workspace members only, no registry access. Paths in the JSON are absolute and
# contain no quotes, so grep is enough (the rust image has no jq).
meta=$(cd "$src" && cargo metadata --no-deps --format-version 1 --offline)

printf '%s\n' "$meta" | grep -o '"manifest_path":"[^"]*"' | cut -d'"' -f4 |
  while read -r path; do
    rel=${path#"$src"/}
    mkdir -p "$dest/$(dirname "$rel")"
    cp "$path" "$dest/$rel"
  done

printf '%s\n' "$meta" | grep -o '"src_path":"[^"]*"' | cut -d'"' -f4 |
  while read -r path; do
    rel=${path#"$src"/}
    mkdir -p "$dest/$(dirname "$rel")"
    printf '#![allow(dead_code)]\nfn main() {}\n' >"$dest/$rel"
  done
