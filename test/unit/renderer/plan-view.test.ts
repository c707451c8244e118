// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { createElement } from 'react';
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import type { IndexProposalPayload } from '../../../main/contract/advisor.ts';
import type { StatementPlan } from '../../../main/contract/database.ts';
import { explainedPlan, type JsonPlanNode } from '../../../main/database/plan-view.ts';
import { DatabasePage } from '../../../renderer/pages/database-page.tsx';
import { IndexProposals } from '../../../renderer/components/index-proposals.tsx';
import { FakeEngineApi } from './fake-engine-api.ts';
import { readyStatus } from './fixtures.ts';
import { consoleServices, renderInConsole } from './render-console.ts';

afterEach(cleanup);

const QUERY = 'SELECT id, note FROM items WHERE account = $1';

const seqScan: JsonPlanNode = {
  'Node Type': 'Seq Scan',
  'Relation Name': 'items',
  Schema: 'public',
  Alias: 'items',
  'Startup Cost': 0,
  'Total Cost': 1069,
  'Plan Rows': 10,
  'Plan Width': 13,
  Filter: '(items.account = $1)',
};
const indexScan: JsonPlanNode = {
  'Node Type': 'Bitmap Heap Scan',
  'Relation Name': 'items',
  Schema: 'public',
  Alias: 'items',
  'Startup Cost': 4.36,
  'Total Cost': 39.5,
  'Plan Rows': 10,
  'Plan Width': 13,
  'Recheck Cond': '(items.account = $1)',
  Plans: [
    {
      'Node Type': 'Bitmap Index Scan',
      'Index Name': '<13543>btree_items_account',
      'Startup Cost': 0,
      'Total Cost': 4.36,
      'Plan Rows': 10,
      'Index Cond': '(items.account = $1)',
    },
  ],
};

const planned: StatementPlan = {
  query: QUERY,
  source: 'pg_stat_statements',
  queryId: '-42',
  plannedAs: 'reader',
  planned: true,
  reason: null,
  plan: explainedPlan(seqScan),
  whatIf: null,
};

const proposal: IndexProposalPayload = {
  name: 'hp_items_account_1234abcd',
  schema: 'public',
  table: 'items',
  columns: [{ name: 'account', direction: 'asc' }],
  include: [],
  method: 'btree',
  predicate: null,
  ddl: 'CREATE INDEX CONCURRENTLY "hp_items_account_1234abcd" ON "public"."items" USING btree ("account")',
  serves: [{ queryId: '-42', template: null, query: QUERY, costBefore: 1069, costAfter: 39.5 }],
  estimatedGain: { costReduction: 1029.5, share: 0.9 },
  estimatedSizeBytes: 1_200_000,
  writeCost: { writesPerSecond: 0, overheadShare: 0.1, maintenanceCost: 0 },
  reason: 'a B-tree on (account) serves query -42',
};

function engine(explain: (params: unknown) => StatementPlan) {
  return new FakeEngineApi()
    .handle('database.topStatements', () => ({
      available: true,
      reason: null,
      windowMs: 2000,
      statements: [{ queryId: '-42', query: QUERY, callsPerSecond: 3, calls: 6, meanMs: 4, totalMs: 24, shareOfTotal: 1 }],
    }))
    .handle('database.activity', () => ({ connections: [] }))
    .handle('database.locks', () => ({ sessions: [], notice: null }))
    .handle('database.rates', () => ({ points: [] }))
    .handle('database.sizes', () => ({ databaseBytes: 0, tables: [], indexes: [], bloatMethod: '', notice: null }))
    .handle('database.vacuum', () => ({ freezeMaxAge: 200_000_000, autovacuumOn: true, databases: [], tables: [], notice: null }))
    .handle('database.redis', () => ({
      available: false,
      reason: 'no Redis',
      server: null,
      slowlog: { entries: [], error: null },
      bigKeys: { keys: [], scanned: 0, complete: false, error: null },
    }))
    .handle('database.explain', explain);
}

function renderPage(api: FakeEngineApi) {
  const services = consoleServices(api, 'database');
  services.status.getState().apply(readyStatus());
  return renderInConsole(createElement(DatabasePage), services);
}

describe('plan view', () => {
  it('explains a top statement on request: the tree with node, relation, estimated rows and cost, the role, and the raw JSON and text', async () => {
    const api = engine(() => planned);
    renderPage(api);
    fireEvent.click(await screen.findByRole('button', { name: 'Explain statement -42' }));
    const tree = await screen.findByTestId('plan-tree');
    expect(api.callsOf('database.explain')).toEqual([{ queryId: '-42' }]);
    const row = within(tree).getAllByRole('row')[1]!;
    expect(row.textContent).toContain('Seq Scan');
    expect(row.textContent).toContain('Filter: (items.account = $1)');
    expect(row.textContent).toContain('public.items');
    expect(row.textContent).toContain('0.00..1069.00');
    expect(screen.getByTestId('statement-plan').textContent).toContain('planned as reader');
    expect(screen.getByTestId('statement-plan').textContent).toContain('never ANALYZE');
    expect(within(tree).getByText(/Seq Scan on public\.items/).textContent).toContain('(cost=0.00..1069.00 rows=10 width=13)');
    expect(within(tree).getByText(/"Node Type": "Seq Scan"/)).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: 'Plan again' }));
    await waitFor(() => expect(api.callsOf('database.explain')).toHaveLength(2));
    fireEvent.click(screen.getByRole('button', { name: 'Close plan' }));
    expect(screen.queryByTestId('explain-panel')).toBeNull();
  });

  it('shows the reason when a statement is refused, and no plan', async () => {
    const reason =
      'not planned: run by attacker; not planned, because this database has functions owned by roles that are not superusers (attacker)';
    renderPage(engine(() => ({ ...planned, plannedAs: null, planned: false, reason, plan: null })));
    fireEvent.click(await screen.findByRole('button', { name: 'Explain statement -42' }));
    expect((await screen.findByTestId('plan-refused')).textContent).toContain(reason);
    expect(screen.queryByTestId('plan-tree')).toBeNull();
  });

  it("shows a proposal's plan without and with its hypothetical index, with the cost change", async () => {
    const api = engine(() => ({
      ...planned,
      whatIf: {
        proposal: proposal.name,
        ddl: 'CREATE INDEX ON "public"."items" USING btree ("account")',
        hypopg: true,
        note: null,
        before: explainedPlan(seqScan),
        after: explainedPlan(indexScan),
      },
    }));
    const services = consoleServices(api, 'indexes');
    services.status.getState().apply(readyStatus());
    renderInConsole(createElement(IndexProposals, { proposals: [proposal], readOnly: false }), services);
    fireEvent.click(screen.getByRole('button', { name: `Plan before and after ${proposal.name}` }));
    expect((await screen.findByTestId('plan-cost-change')).textContent).toContain('1069.00 → 39.50 (−96.3%)');
    expect(api.callsOf('database.explain')).toEqual([{ proposal: proposal.name }]);
    expect(within(screen.getByTestId('plan-before')).queryByText(/btree_items_account/)).toBeNull();
    const after = within(screen.getByTestId('plan-after')).getAllByRole('row');
    expect(after[2]!.textContent).toContain('Bitmap Index Scan');
    expect(after[2]!.getAttribute('data-depth')).toBe('1');
    expect(after[2]!.textContent).toContain('using <13543>btree_items_account');
  });

  it('says so when HypoPG is missing, and still shows the plan', async () => {
    const note = 'HypoPG is not installed on this server, so the plan with the index cannot be shown';
    const api = engine(() => ({
      ...planned,
      whatIf: { proposal: proposal.name, ddl: 'CREATE INDEX …', hypopg: false, note, before: null, after: null },
    }));
    const services = consoleServices(api, 'indexes');
    renderInConsole(createElement(IndexProposals, { proposals: [proposal], readOnly: false }), services);
    fireEvent.click(screen.getByRole('button', { name: `Plan before and after ${proposal.name}` }));
    expect((await screen.findByTestId('plan-no-hypopg')).textContent).toContain(note);
    expect(screen.getByTestId('plan-tree')).toBeTruthy();
  });
});
