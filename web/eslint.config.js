import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist', 'dist-verifier', 'node_modules', 'src/api/schema.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    files: ['**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      // Shared pieces never import from features; features never import each other.
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/index', '**/index.ts'], message: 'Import files directly, no barrels.' }] },
      ],
    },
  },
  {
    files: ['src/components/**', 'src/lib/**', 'src/hooks/**', 'src/api/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/platform/**'], message: 'Shared code never imports features.' }] }],
    },
  },
);
