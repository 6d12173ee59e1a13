'use strict';
// Writes dist/index.mjs: named ESM exports over the CommonJS build, so `import`
// and `require` share one module instance (one lock registry, one backend).
// Also marks the CLI executable: tsc writes 0644, and `npm link` or a direct
// ./dist/cli.js needs the x bit (npm install sets it only for installed bins).
const fs = require('node:fs');
const path = require('node:path');

const dist = path.join(__dirname, '..', 'dist');
const names = Object.keys(require(path.join(dist, 'index.js'))).filter((n) => n !== '__esModule');
const body = ["import cjs from './index.js';", `export const { ${names.join(', ')} } = cjs;`, 'export default cjs;', ''].join('\n');
fs.writeFileSync(path.join(dist, 'index.mjs'), body);
// Types for the import condition: a .d.mts beside index.mjs, or TypeScript (node16,
// nodenext) reads the .d.ts as CommonJS types for an ES module ("masquerading as CJS").
fs.writeFileSync(path.join(dist, 'index.d.mts'), "export * from './index.js';\nimport cjs from './index.js';\nexport default cjs;\n");
fs.chmodSync(path.join(dist, 'cli.js'), 0o755);
