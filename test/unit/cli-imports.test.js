'use strict';
// The CLI sits on the package's public exports (src/index.ts), as src/index.ts
// says: beyond them it may take only the internals named here, so that what
// `pidlock` relies on stays what a user of the library can rely on too.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const src = path.join(__dirname, '..', '..', 'src');
// From outside src/cli/: the public exports, and two internals no library user needs.
const ALLOWED = {
  index: null,
  wait: ['MAX_TIMER_MS'],
  pidlock: ['kernelLockDescriptor'],
};

/** Every import of src/ the CLI makes from outside src/cli/: { file, module, names }. */
function outsideImports() {
  const files = [path.join(src, 'cli.ts'), ...fs.readdirSync(path.join(src, 'cli')).map((f) => path.join(src, 'cli', f))];
  const found = [];
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(/import\s+(?:type\s+)?\{([^}]*)\}\s+from\s+'([^']+)'/g)) {
      const target = path.relative(src, path.resolve(path.dirname(file), m[2]));
      if (m[2].startsWith('.') && !target.startsWith('cli')) {
        const names = m[1]
          .split(',')
          .map((n) => n.replace(/^\s*type\s+/, '').trim())
          .filter(Boolean);
        found.push({ file: path.relative(src, file), module: target, names });
      }
    }
    // Any other form (import x = require('../y'), import * as) would escape the check above.
    for (const m of text.matchAll(/(?:require\(|\* as \w+ from )'(\.\.\/[^']+)'/g))
      found.push({ file: path.relative(src, file), module: m[1], names: ['*'] });
  }
  return found;
}

test('the CLI imports only the public exports, and the two internals src/index.ts names', () => {
  const found = outsideImports();
  assert.ok(
    found.some((i) => i.module === 'index'),
    'the CLI imports the public exports at all',
  );
  for (const { file, module, names } of found) {
    assert.ok(module in ALLOWED, `${file} imports from ${module}: take it from src/index.ts, or name it in src/index.ts's header and here`);
    const allowed = ALLOWED[module];
    if (allowed !== null) for (const n of names) assert.ok(allowed.includes(n), `${file} imports ${n} from ${module}`);
  }
});
