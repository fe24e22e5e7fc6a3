// SPDX-License-Identifier: MIT
// Runs exported ONNX models in ONNX Runtime (npm onnxruntime-node, CPU) on the inputs
// onnx_fixture wrote and compares with LibTorch's outputs of the same checkpoints.
// Usage: node ort_compare.js ORT_PREFIX JOBS.jsonl TOLERANCE THREADS
// Prints one line per job (max |diff|, max |LibTorch output|); exit 1 when any job fails.
'use strict';
const fs = require('fs');
const path = require('path');

const [ortPrefix, jobsFile, tolText, threadsText] = process.argv.slice(2);
const ort = require(path.join(path.resolve(ortPrefix), 'node_modules', 'onnxruntime-node'));
const tolerance = Number(tolText);
const threads = Number(threadsText);

// A copy, so that the Float32Array is aligned whatever offset Node gave the file's Buffer.
function readFloats(file) {
  const bytes = fs.readFileSync(file);
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  return new Float32Array(copy.buffer);
}

async function main() {
  const jobs = fs.readFileSync(jobsFile, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
  if (jobs.length === 0) throw new Error(`no jobs in ${jobsFile}`);
  const sessions = new Map();
  let failed = 0;
  for (const job of jobs) {
    if (!sessions.has(job.model)) {
      sessions.set(job.model, await ort.InferenceSession.create(job.model, {
        executionProviders: ['cpu'], intraOpNumThreads: threads, interOpNumThreads: 1,
      }));
    }
    const session = sessions.get(job.model);
    const input = new ort.Tensor('float32', readFloats(job.input), job.shape);
    const result = await session.run({ input });
    const got = result.output;
    const expected = readFloats(job.expected);
    let maxDiff = 0;
    let maxRef = 0;
    let nan = false;
    const sameShape = JSON.stringify(got.dims) === JSON.stringify(job.out_shape) && got.data.length === expected.length;
    if (sameShape) {
      for (let i = 0; i < expected.length; ++i) {
        const d = Math.abs(got.data[i] - expected[i]);
        if (Number.isNaN(d)) nan = true;  // Math.max would hide it behind later numbers
        else maxDiff = Math.max(maxDiff, d);
        maxRef = Math.max(maxRef, Math.abs(expected[i]));
      }
    }
    const ok = sameShape && !nan && maxDiff <= tolerance && maxRef > 0;
    if (!ok) failed += 1;
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${path.basename(job.name)}: shape ${JSON.stringify(got.dims)}` +
                ` max|diff| ${nan ? 'NaN' : maxDiff.toExponential(3)} (tolerance ${tolerance}), max|libtorch| ${maxRef.toFixed(4)}`);
  }
  console.log(`ONNX Runtime ${ort.env.versions.common}: ${jobs.length - failed}/${jobs.length} jobs within ${tolerance}`);
  process.exit(failed === 0 ? 0 : 1);
}

main().catch((e) => {
  console.error(`ort_compare: ${e.stack || e}`);
  process.exit(1);
});
