// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

/** Dependency direction (ARCHITECTURE.md): an arrow means "may import". */
const allowed = {
  edi: [],
  as2: [],
  ledger: [],
  maps: ['edi'],
  acks: ['edi', 'maps'],
  gateway: ['edi', 'as2', 'ledger', 'maps', 'acks'],
  cli: ['edi', 'as2', 'ledger', 'maps', 'acks', 'gateway'],
};
const all = Object.keys(allowed);

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '**/.edigate/**', 'packages/ledger/drizzle/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: {
          allowDefaultProject: [
            'eslint.config.js',
            'packages/gateway/src/crypto/rsaWorker.js',
            'packages/gateway/src/archiveWorker.js',
            'packages/ledger/src/pgliteWorker.js',
            'packages/ledger/src/statementNames.js',
          ],
        },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-eval': 'error',
      'no-new-func': 'error',
      'no-implied-eval': 'error',
    },
  },
  ...Object.entries(allowed).map(([pkg, deps]) => ({
    files: [`packages/${pkg}/src/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: all
            .filter((p) => p !== pkg && !deps.includes(p))
            .map((p) => ({
              group: [`@edigate/${p}`, `@edigate/${p}/*`],
              message: `@edigate/${pkg} may not import @edigate/${p} (see ARCHITECTURE.md)`,
            })),
        },
      ],
    },
  })),
  {
    files: ['**/*.test.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  prettier,
);
