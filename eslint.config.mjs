// ESLint for the TypeScript in src/ (typescript-eslint's recommended rules, with
// type information) and a basic config for the JavaScript tests, scripts,
// benchmarks and examples. Formatting is prettier's (npm run lint runs both).
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'build/', 'prebuilds/', 'node_modules/', '.tmp/', 'bench/.out/', 'test/fixtures/win/build/'] },
  // A disable comment that no longer silences anything is itself an error.
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },
  {
    files: ['src/**/*.ts'],
    extends: [js.configs.recommended, ...tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    // `import fs = require('node:fs')` is a plain require() in esbuild's CJS
    // bundle; `import * as fs` would copy each module into an __toESM namespace
    // at load time, which slows the package's cold load.
    rules: { '@typescript-eslint/no-require-imports': ['error', { allowAsImport: true }] },
  },
  {
    files: ['**/*.js'],
    extends: [js.configs.recommended],
    languageOptions: { sourceType: 'commonjs', globals: globals.node },
  },
  {
    files: ['**/*.mjs'],
    extends: [js.configs.recommended],
    languageOptions: { sourceType: 'module', globals: globals.node },
  },
);
