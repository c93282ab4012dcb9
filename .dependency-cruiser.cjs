/**
 * The rooms of shared/STYLE.md, and which way their doors open. `npm run lint` fails on any import that crosses
 * a door the wrong way; the message names the rule, the importing file and the imported one.
 */
const lib = (name) => `^libs/${name}/src/`;
const npmPackage = (names) => `^node_modules/(${names.join('|')})/`;
/** The stores' wiring: Nest modules, factories and client connections, which may read the configuration. */
const STORE_WIRING = '^libs/(event-store|read-models)/src/.*(\\.(module|factory)|-connection)\\.ts$';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment:
        'libs/domain is pure TypeScript: nothing of ours outside it, no store, no Nest, no config, no I/O (zod decodes its events).',
      severity: 'error',
      from: { path: lib('domain') },
      to: {
        pathNot: [lib('domain'), npmPackage(['canonicalize', 'uuid', 'zod'])],
      },
    },
    {
      name: 'signing-knows-no-ledger-rules',
      comment: 'libs/signing uses node-forge and canonical JSON, and the package format (the shared contract) only.',
      severity: 'error',
      from: { path: lib('signing') },
      to: { path: '^(libs|apps)/', pathNot: [lib('signing'), `${lib('domain')}(ledger/license-package|shared/)`] },
    },
    {
      name: 'stores-know-only-their-port',
      comment:
        'the event store and the read-model store know their client library and their own port, never the domain or projections.',
      severity: 'error',
      from: { path: [lib('event-store'), lib('read-models')], pathNot: STORE_WIRING },
      to: { path: '^(libs|apps)/', pathNot: [lib('event-store'), lib('read-models')] },
    },
    {
      name: 'store-wiring-reads-only-config',
      comment:
        "the adapters' Nest modules, factories and connections read the configuration (and its secret scrubber), and nothing more.",
      severity: 'error',
      from: { path: STORE_WIRING },
      to: { path: '^(libs|apps)/', pathNot: [lib('event-store'), lib('read-models'), lib('config')] },
    },
    {
      name: 'read-models-name-only-the-store-position',
      comment:
        "a read model may name the event store's Position and its SQLite connection opener (openWalDatabase), nothing else of it.",
      severity: 'error',
      from: { path: lib('read-models') },
      // The opener by its own module too: the projection thread loads the SQLite read-model store without the
      // event store's index (its factories bring the KurrentDB client).
      to: {
        path: lib('event-store'),
        pathNot: `${lib('event-store')}(index|event-store\\.port|sqlite/open-wal-database)\\.ts$`,
      },
    },
    {
      name: 'event-store-knows-no-read-models',
      severity: 'error',
      from: { path: lib('event-store') },
      to: { path: lib('read-models') },
    },
    {
      name: 'projections-stay-below-the-application',
      comment: 'projections use domain views, event decoders and the two ports; never the application layer or apps.',
      severity: 'error',
      from: { path: lib('projections') },
      to: { path: [lib('application'), lib('audit'), '^apps/'] },
    },
    {
      name: 'application-uses-ports-not-projection-internals',
      comment:
        'libs/application uses the domain, the event-store port and a checkpoint port of its own; not read-model adapters or projection internals.',
      severity: 'error',
      from: { path: lib('application') },
      to: {
        path: [lib('read-models'), lib('projections'), '^apps/', npmPackage(['better-sqlite3', 'mongodb', '@kurrent'])],
      },
    },
    {
      name: 'audit-reads-no-read-models',
      severity: 'error',
      from: { path: lib('audit') },
      to: { path: [lib('read-models'), lib('projections'), '^apps/'] },
    },
    {
      name: 'libs-never-import-apps',
      comment:
        "libs/client/scripts generate the client's types from the document the API serves: a build step, not library code.",
      severity: 'error',
      from: { path: '^libs/', pathNot: '^libs/client/scripts/' },
      to: { path: '^apps/' },
    },
    {
      name: 'client-stands-alone',
      comment: 'libs/client is published on its own (@licensing/client): it speaks HTTP and imports nothing of ours.',
      severity: 'error',
      from: { path: lib('client') },
      to: { path: '^(libs|apps)/', pathNot: lib('client') },
    },
    {
      name: 'access-stands-alone',
      comment:
        'libs/access (keys, tokens, roles) knows its crypto libraries only; the configuration and the apps use it, not the reverse.',
      severity: 'error',
      from: { path: lib('access') },
      to: { path: '^(libs|apps)/', pathNot: lib('access') },
    },
    {
      name: 'controllers-and-handlers-import-no-adapter',
      comment:
        'only the composition root (modules) wires adapters; controllers and handlers talk to ports, buses and queries. Of libs/read-models they may name the port file only (the barrel also exports the adapters and their errors).',
      severity: 'error',
      from: { path: '^apps/[^/]+/src/.*\\.(controller|handler)\\.ts$' },
      to: {
        path: [
          `${lib('event-store')}(sqlite|kurrentdb)/`,
          `${lib('read-models')}(?!read-model-store\\.port\\.ts$)`,
          npmPackage(['better-sqlite3', 'mongodb', '@kurrent']),
        ],
      },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: { path: '^(libs|apps)/' },
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^dist/|/test/|\\.spec\\.ts$|\\.e2e-spec\\.ts$)' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
