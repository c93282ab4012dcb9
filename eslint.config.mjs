// ESLint: typescript-eslint's strict type-checked rules, less the few that fight NestJS or this codebase's idioms
// (each turned off below says why). Formatting is Prettier's; the rooms are dependency-cruiser's.
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    // Built, bundled and generated files; plain JS config files; the console, which has its own toolchain.
    ignores: [
      'dist/**',
      'node_modules/**',
      'coverage/**',
      'data/**',
      '.tmp/**',
      '**/*.js',
      '**/*.cjs',
      '**/*.mjs',
      'apps/console/**',
      'libs/client/src/generated/**',
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // Nest modules are classes with only decorators.
      '@typescript-eslint/no-extraneous-class': 'off',
      // Numbers and booleans in template literals read naturally in messages and keys; `never` is the exhaustive default's value.
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true, allowNever: true },
      ],
      // Async port implementations and Nest lifecycle hooks keep the port's Promise shape even when they need no await.
      '@typescript-eslint/require-await': 'off',
      // `!` follows checks the compiler cannot follow (Map.get after has, a regex's groups, a batch's non-empty head).
      '@typescript-eslint/no-non-null-assertion': 'off',
      // Ports say `Promise<Outcome | void>` for "may answer nothing"; Nest's hooks are typed the same way.
      '@typescript-eslint/no-invalid-void-type': 'off',
      // evolve and the projections remove keyed entries from plain records (holdings, owners) by design.
      '@typescript-eslint/no-dynamic-delete': 'off',
      // Nest's and the MongoDB driver's option types are classes that their own docs fill with object literals.
      '@typescript-eslint/no-unsafe-class-instance-assignment': 'off',
      // Options hooks declared in method syntax (`onSubscriptionDropped?(…)`) are plain functions, passed on as such.
      '@typescript-eslint/unbound-method': 'off',
      // `AppendResult | unknown` names the expected case beside the unknown one on purpose.
      '@typescript-eslint/no-redundant-type-constituents': 'off',
      // String(x) of a value from outside (JSON, a thrown value) is the deliberate, total conversion.
      '@typescript-eslint/no-base-to-string': 'off',
      // A caught unknown is passed on as it came (`.catch((e) => Promise.reject(e))`).
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingUnknown: true }],
      // Fastify's callback style: `return done(error)` ends the handler.
      '@typescript-eslint/no-confusing-void-expression': [
        'error',
        { ignoreArrowShorthand: true, ignoreVoidReturningFunctions: true },
      ],
      // Defensive checks against values from outside (JSON, the store) are wanted even where types say "never".
      '@typescript-eslint/no-unnecessary-condition': 'off',
      '@typescript-eslint/no-unnecessary-type-parameters': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      '@typescript-eslint/no-misused-promises': [
        'error',
        { checksVoidReturn: { arguments: false, attributes: false } },
      ],
      // The house rule: no `as never`, at most three justified `as unknown as` (counted by a test, not here).
      '@typescript-eslint/consistent-type-assertions': [
        'error',
        { assertionStyle: 'as', objectLiteralTypeAssertions: 'allow' },
      ],
    },
  },
  {
    files: ['**/*.spec.ts', '**/*.e2e-spec.ts', '**/test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      // Tests and benches read JSON answers as `any`, and jest's matchers are typed loosely.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      // Stubs keep the defaults of the methods they replace, whatever the declared type says.
      '@typescript-eslint/no-useless-default-assignment': 'off',
      // Tests read JSON answers as `response.json() as T`.
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
      // Tests build odd values on purpose (spread instances, `void delete`, `any` arithmetic on JSON answers).
      '@typescript-eslint/restrict-plus-operands': 'off',
      '@typescript-eslint/restrict-template-expressions': 'off',
      '@typescript-eslint/use-unknown-in-catch-callback-variable': 'off',
      '@typescript-eslint/no-misused-spread': 'off',
      '@typescript-eslint/no-meaningless-void-operator': 'off',
      '@typescript-eslint/no-confusing-void-expression': 'off',
    },
  },
);
