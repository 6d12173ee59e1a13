'use strict';
// A child process and the first line of its stdout: shared by the bundler and
// runtime checks (scripts/bundlers/run.js, scripts/runtimes/run.js).
const { spawn } = require('node:child_process');

/** `line` resolves with the first stdout line, or rejects if the child exits first; `exited` with how it ended. */
function startChild(cmd, args, opts = {}) {
  const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], ...opts });
  let out = '';
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const line = new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('\n')) resolve(out.split('\n')[0]);
    });
    // 'close', not 'exit': at 'exit' the child's last output may still be in the pipe.
    child.on('close', (code, signal) => reject(new Error(`exited ${code ?? signal} before reporting: ${err}`)));
  });
  line.catch(() => {});
  const exited = new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  return { child, line, exited };
}

module.exports = { startChild };
