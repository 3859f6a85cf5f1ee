'use strict';
/**
 * Glue for the parts (tokens.js, http.js, stores.js): each exports `run({ log })` resolving with
 * `{ results, tables }` and, run as a script, writes that as JSON to the file named by `--out` (bench/run.js runs
 * every part in its own process so that one part's heap and JIT state cannot colour another's figures).
 */
const fs = require('node:fs');

function log(message) {
  process.stderr.write(`${message}\n`);
}

function main(module, run) {
  if (require.main !== module) return;
  const outIndex = process.argv.indexOf('--out');
  const out = outIndex >= 0 ? process.argv[outIndex + 1] : null;
  run({ log })
    .then((result) => {
      const json = JSON.stringify(result, null, 2);
      if (out) fs.writeFileSync(out, json);
      else process.stdout.write(`${json}\n`);
      process.exit(0);
    })
    .catch((error) => {
      log(error && error.stack ? error.stack : String(error));
      process.exit(1);
    });
}

module.exports = { main, log };
