// SPDX-License-Identifier: MIT
// Times ONNX Runtime (npm onnxruntime-node, CPU) on one frame for bench_onnxruntime.
// Usage: node ort_time.js ORT_PREFIX MODEL FRAME.f32 N,C,H,W THREADS REPEATS OUT.f32
// Prints "median_s S" (after one warm-up run) and writes the last output as raw float32.
'use strict';
const fs = require('fs');
const path = require('path');

async function main() {
  const [prefix, model, frameFile, shapeText, threads, repeats, outFile] = process.argv.slice(2);
  const ort = require(path.join(path.resolve(prefix), 'node_modules', 'onnxruntime-node'));
  const session = await ort.InferenceSession.create(model, {
    executionProviders: ['cpu'], intraOpNumThreads: Number(threads), interOpNumThreads: 1,
  });
  const bytes = fs.readFileSync(frameFile);
  const data = new Float32Array(bytes.length / 4);
  new Uint8Array(data.buffer).set(bytes);  // aligned copy
  const input = new ort.Tensor('float32', data, shapeText.split(',').map(Number));
  await session.run({ input });  // warm-up: allocations, kernel choice
  const times = [];
  let output;
  for (let r = 0; r < Number(repeats); ++r) {
    const t0 = process.hrtime.bigint();
    output = (await session.run({ input })).output;
    times.push(Number(process.hrtime.bigint() - t0) / 1e9);
  }
  times.sort((a, b) => a - b);
  fs.writeFileSync(outFile, Buffer.from(output.data.buffer, output.data.byteOffset, output.data.byteLength));
  console.log(`median_s ${times[Math.floor(times.length / 2)]}`);
}

main().catch((e) => {
  console.error(`ort_time: ${e.stack || e}`);
  process.exit(1);
});
