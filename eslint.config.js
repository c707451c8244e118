// ESLint: correctness and the size limits a reader relies on. Formatting is Prettier's (`npm run format`); the
// layering between folders is dependency-cruiser's (`.dependency-cruiser.cjs`), run by `npm run lint` as well.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test/fixtures/**', 'tools/wasm/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node }, ecmaVersion: 2024, sourceType: 'module' },
    rules: {
      // Prettier wraps code at 140; messages and SQL stay whole on one line so that they can be found with grep.
      'max-len': ['error', { code: 140, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreUrls: true, ignoreRegExpLiterals: true }],
      'max-lines': ['error', { max: 600, skipBlankLines: true, skipComments: true }],
      complexity: ['error', 25],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-console': 'off',
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: { ...reactHooks.configs.recommended.rules },
  },
  {
    // Tests: long tables of cases read best one per line.
    files: ['test/**/*.{ts,tsx}'],
    rules: { 'max-lines': 'off', complexity: 'off' },
  },
  prettier,
);
