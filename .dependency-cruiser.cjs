/**
 * The dependency rules of ARCHITECTURE.md ("Layers"), checked by `npm run lint` (and by
 * test/unit/architecture/dependency-rules.test.ts, which also proves each rule fires). A rule here is the judge:
 * code that needs an edge these rules forbid changes its design, not this file.
 *
 * The layers, each importing only from the layers below it:
 *   app/, tools/           hosts and developer scripts
 *   main/engine/           composes the subsystems; implements the contract
 *   main/<subsystem>/      the SUBSYSTEMS below; a subsystem imports the foundation, and another subsystem only
 *                          where SIDEWAYS_EDGES says so
 *   main/{contract,sql,util}  the foundation (contract imports nothing else of ours)
 * renderer/ sits beside all this and imports only the contract's types.
 *
 * Surfaces: outside main/X/ (X a subsystem or the engine), code imports only main/X/index.ts, the subsystem's
 * declared surface. The foundation's files are small single-purpose modules and are imported directly.
 * Tests (test/**) are exempt from the surface and sideways rules: they test internals. They still obey the
 * renderer rule and the no-cycles rule.
 * @type {import('dependency-cruiser').IConfiguration}
 */

const SUBSYSTEMS = [
  'stack',
  'demo',
  'batch',
  'workload',
  'telemetry',
  'cache',
  'pool',
  'advisor',
  'optimize',
  'memory',
  'planner',
  'profiles',
  'database',
  'slo',
];

/**
 * The only subsystem → subsystem edges. Everything else that two subsystems share is composed by the engine
 * (main/engine/ holds the adapters between them) or lives in the foundation. Keep this list short: an entry
 * needs a reason that holds for the whole folder, not for one convenient import.
 */
const SIDEWAYS_EDGES = {
  // The seeder loads the demo rows through the adaptive batch processor: batching is a tool the demo uses, and the
  // batch processor knows nothing of the demo.
  demo: ['batch'],
  // Saved profiles are connection URLs: parsing, the keyword form and masking are the stack's, one spelling for all.
  profiles: ['stack'],
};

const FOUNDATION = ['contract', 'sql', 'util'];
const WITH_SURFACE = ['engine', ...SUBSYSTEMS];
const any = (names) => `(${names.join('|')})`;

/** One rule per subsystem with its forbidden neighbours (dependency-cruiser cannot vary `to` by the `from` match). */
const sidewaysRules = SUBSYSTEMS.map((subsystem) => {
  const forbidden = SUBSYSTEMS.filter((other) => other !== subsystem && !(SIDEWAYS_EDGES[subsystem] ?? []).includes(other));
  return {
    name: 'no-sideways-edges',
    comment: `main/${subsystem}/ imports no other subsystem except ${(SIDEWAYS_EDGES[subsystem] ?? ['(none)']).join(', ')} (SIDEWAYS_EDGES).`,
    severity: 'error',
    from: { path: `^main/${subsystem}/` },
    to: { path: `^main/${any(forbidden)}/` },
  };
});

module.exports = {
  forbidden: [
    {
      name: 'engine-is-a-library',
      comment: 'main/ (the engine) never imports electron, React, the renderer or the hosts.',
      severity: 'error',
      from: { path: '^main/' },
      to: { path: ['^app/', '^renderer/', '^tools/', '^node_modules/(electron|react|react-dom|recharts|zustand)/'] },
    },
    {
      name: 'renderer-imports-only-types',
      comment: 'renderer/ imports only the contract types from outside itself.',
      severity: 'error',
      from: { path: '^renderer/' },
      to: { path: '^(main|app|tools)/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'contract-is-the-lowest-layer',
      comment: 'main/contract imports nothing else of ours.',
      severity: 'error',
      from: { path: '^main/contract/' },
      to: { path: '^(main|app|renderer|tools)/', pathNot: '^main/contract/' },
    },
    {
      name: 'foundation-imports-only-foundation',
      comment: 'main/sql and main/util sit under every subsystem: they import only the foundation (contract, sql, util).',
      severity: 'error',
      from: { path: '^main/(sql|util)/' },
      to: { path: '^main/', pathNot: `^main/${any(FOUNDATION)}/` },
    },
    {
      name: 'subsystems-below-the-engine',
      comment: 'A subsystem never imports the engine, which composes it.',
      severity: 'error',
      from: { path: `^main/${any(SUBSYSTEMS)}/` },
      to: { path: '^main/engine/' },
    },
    ...sidewaysRules,
    {
      name: 'no-deep-imports',
      comment:
        "Outside main/X/ (X the engine or a subsystem), code imports only main/X/index.ts, X's declared surface. " +
        'Tests may import internals: they test them.',
      severity: 'error',
      // $1 is the importing folder: app, tools or main/<folder>; importing one's own internals is fine.
      from: { path: '^(app|tools|main/[^/]+)/' },
      to: { path: `^main/${any(WITH_SURFACE)}/`, pathNot: ['^$1/', '^main/[^/]+/index\\.ts$'] },
    },
    {
      name: 'no-circular',
      comment: 'No module imports itself through others (type-only imports included: a type cycle is a design tangle too).',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-folder-cycles',
      comment: 'No cycles between folders (subsystems, and the sub-folders inside one), even when no module-level cycle exists.',
      severity: 'error',
      scope: 'folder',
      from: { path: '^(main|app)/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};
