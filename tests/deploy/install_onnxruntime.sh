#!/usr/bin/env bash
# Installs ONNX Runtime's Node binding (npm onnxruntime-node, which ships the CPU runtime for
# linux-x64) into PREFIX through npm: the independent runtime of onnx_runtime_test.sh.
# Usage: install_onnxruntime.sh PREFIX VERSION. Fails when npm or the registry is unreachable.
set -euo pipefail
prefix=$1 version=$2
installed="$prefix/node_modules/onnxruntime-node/package.json"
if [ -f "$installed" ] && node -e "process.exit(require('$installed').version === '$version' ? 0 : 1)"; then
  echo "onnxruntime-node $version already in $prefix"
  exit 0
fi
command -v npm >/dev/null || { echo "install_onnxruntime: npm is missing (apt-get install npm)" >&2; exit 1; }
mkdir -p "$prefix"
# --ignore-scripts: the package's postinstall only fetches CUDA providers from GitHub; the CPU
# runtime is inside the npm tarball.
npm install --prefix "$prefix" --no-audit --no-fund --no-save --ignore-scripts "onnxruntime-node@$version"
node -e "const o = require('$prefix/node_modules/onnxruntime-node'); console.log('onnxruntime-node', o.env.versions.common, 'ready in $prefix')"
