import * as path from 'node:path';

/**
 * The package root, where node-gyp-build looks for build/ and prebuilds/. This
 * file compiles to dist/root.js and is also bundled into dist/index.js and
 * dist/cli.js: in every case its __dirname is dist/.
 */
export const PACKAGE_ROOT = path.resolve(__dirname, '..');
