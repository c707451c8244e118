/**
 * The dependency rules of ARCHITECTURE.md ("Layers"), checked by `npm run lint`. A rule here is the judge: code
 * that needs an edge these rules forbid changes its design, not this file.
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: 'engine-is-a-library',
      comment: 'main/ (the engine) never imports electron, React, the renderer or the hosts.',
      severity: 'error',
      from: { path: '^main/' },
      to: { path: ['^app/', '^renderer/', '^node_modules/(electron|react|react-dom|recharts|zustand)/'] },
    },
    {
      name: 'renderer-imports-only-types',
      comment: 'renderer/ imports only the contract types from outside itself.',
      severity: 'error',
      from: { path: '^renderer/' },
      to: { path: '^(main|app)/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'contract-is-the-lowest-layer',
      comment: 'main/contract imports nothing else of ours.',
      severity: 'error',
      from: { path: '^main/contract/' },
      to: { path: '^(main|app|renderer)/', pathNot: '^main/contract/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};
