// ESLint flat config: typescript-eslint's recommended rules without type information (fast enough to run before every
// test run), plus Node globals for the plain JavaScript tools. Formatting is Prettier's job (`npm run format`).
import eslint from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    // Build outputs, the benchmark's private builds and checkouts, and the packed-package test's consumer installs.
    ignores: ['**/dist/', 'coverage/', 'bench/.*/', 'bench/results/', 'test/package/.fixtures/', '.ci/.node/', '.redis-test/'],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // A leading underscore marks a parameter a signature needs but the body does not (abstract defaults, callbacks).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    // The library never writes to the console (it logs through Nest's Logger, rate-limited); tests print only on purpose.
    files: ['src/**/*.ts', 'test/**/*.ts'],
    ignores: ['test/package/fixtures/*/src/main.ts'],
    rules: { 'no-console': 'error' },
  },
  {
    // TypeScript itself reports undefined names in .ts files.
    files: ['**/*.ts'],
    rules: { 'no-undef': 'off' },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: globals.node },
    rules: {
      '@typescript-eslint/no-require-imports': 'off',
      // The bench scripts name node:crypto `crypto`, as Node's docs do, shadowing the web global on purpose.
      'no-redeclare': ['error', { builtinGlobals: false }],
      // `while ((match = re.exec(text)))`: the doubled parentheses already say the assignment is meant.
      'no-cond-assign': ['error', 'except-parens'],
    },
  },
  {
    files: ['**/*.mjs'],
    languageOptions: { globals: globals.node },
  },
);
