#!/usr/bin/env bash
# Packs what bench/gpu-check.sh needs on a machine with a GPU but no Node and no package registry
# (the device machines this project is sometimes lent): this machine's node binary, and the built
# CLI with only its runtime modules (better-sqlite3, Dawn's webgpu for linux-x64, zod, ws,
# simple-statistics) and the cpu-native addon, into .gpu/kit.tar.xz (about 35 MB; .gpu/ is kept
# out of git through .git/info/exclude). Run it here after `npm install`, then carry `.gpu` along.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f out/main/cli.js ] || { echo "gpu-kit: build first (npm install, or npm run build)"; exit 1; }
grep -qx '/.gpu/' .git/info/exclude 2>/dev/null || echo '/.gpu/' >> .git/info/exclude
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/kit/node/bin" "$stage/kit/app/node_modules"
cp "$(command -v node)" "$stage/kit/node/bin/node"
cp -r package.json bin out "$stage/kit/app/"
[ -d prebuilds ] && cp -r prebuilds "$stage/kit/app/"
# The addon is found beside native-bench/binding.gyp (src-main/engine/cpu-native/addon.ts).
mkdir -p "$stage/kit/app/native-bench/build/Release"
cp native-bench/binding.gyp "$stage/kit/app/native-bench/"
cp native-bench/build/Release/rnnbench_native.node "$stage/kit/app/native-bench/build/Release/" 2>/dev/null || true
for m in zod ws simple-statistics bindings file-uri-to-path; do
  [ -d "node_modules/$m" ] && cp -r "node_modules/$m" "$stage/kit/app/node_modules/"
done
mkdir -p "$stage/kit/app/node_modules/better-sqlite3/build/Release"
cp -r node_modules/better-sqlite3/package.json node_modules/better-sqlite3/lib "$stage/kit/app/node_modules/better-sqlite3/"
cp node_modules/better-sqlite3/build/Release/better_sqlite3.node "$stage/kit/app/node_modules/better-sqlite3/build/Release/"
mkdir -p "$stage/kit/app/node_modules/webgpu/dist"
cp node_modules/webgpu/package.json node_modules/webgpu/index.js "$stage/kit/app/node_modules/webgpu/"
cp -r node_modules/webgpu/dist/linux-x64 "$stage/kit/app/node_modules/webgpu/dist/"
cp -r test/fixtures/parity "$stage/kit/app/parity-cases"
mkdir -p .gpu
tar -C "$stage" -cJf .gpu/kit.tar.xz kit
echo "gpu-kit: .gpu/kit.tar.xz, $(du -h .gpu/kit.tar.xz | cut -f1); carry [\".gpu\"] and run: bash bench/gpu-check.sh"
