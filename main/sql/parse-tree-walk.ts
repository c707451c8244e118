/**
 * Calls `visit` with every keyed node of a libpg_query parse tree (`{ A_Expr: {…} }` → `('A_Expr', {…})`), depth
 * first, arrays included: the one walk the repairs and checks share, each looking for its own node kinds.
 */
export function forEachNode(tree: unknown, visit: (key: string, value: unknown) => void): void {
  if (Array.isArray(tree)) {
    for (const child of tree) forEachNode(child, visit);
    return;
  }
  if (tree === null || typeof tree !== 'object') return;
  for (const [key, value] of Object.entries(tree as Record<string, unknown>)) {
    visit(key, value);
    forEachNode(value, visit);
  }
}
