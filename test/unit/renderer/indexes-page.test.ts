// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { createElement } from 'react';
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import type {
  AdvisorReportPayload,
  BuildHistoryEntryPayload,
  BuildProgressPayload,
  IndexProposalPayload,
} from '../../../main/contract/advisor.ts';
import { IndexesPage } from '../../../renderer/pages/indexes-page.tsx';
import { AppHeader } from '../../../renderer/components/app-header.tsx';
import { FakeEngineApi } from './fake-engine-api.ts';
import { readyStatus } from './fixtures.ts';
import { consoleServices, renderInConsole } from './render-console.ts';

afterEach(cleanup);

const proposal: IndexProposalPayload = {
  name: 'hp_chunks_session_id_created_at_id_de66b3de',
  schema: 'unified',
  table: 'chunks',
  columns: [
    { name: 'session_id', direction: 'asc' },
    { name: 'created_at', direction: 'asc' },
    { name: 'id', direction: 'asc' },
  ],
  include: [],
  method: 'btree',
  predicate: null,
  ddl: 'CREATE INDEX CONCURRENTLY "hp_chunks_session_id_created_at_id_de66b3de" ON "unified"."chunks" USING btree ("session_id", "created_at", "id")',
  serves: [{ queryId: '1', template: 'session_timeline', query: 'SELECT … WHERE session_id = $1', costBefore: 11340, costAfter: 15 }],
  estimatedGain: { costReduction: 1_000_000, share: 0.31 },
  estimatedSizeBytes: 6 * 1024 * 1024,
  writeCost: { writesPerSecond: 0.5, overheadShare: 0.08, maintenanceCost: 120 },
  reason: 'session_timeline filters on session_id and sorts by created_at, id: one index does both.',
};

const report: AdvisorReportPayload = {
  method: 'estimate',
  methodNote: 'HypoPG is not installed on this server: costs are estimated from pg_stats.',
  serverVersion: 180004,
  at: 1_700_000_000_000,
  statements: 5,
  budget: { bytes: 512 * 1024 * 1024, source: 'default', proposedBytes: 6 * 1024 * 1024 },
  proposals: [proposal],
  findings: [
    {
      kind: 'duplicate',
      schema: 'public',
      table: 't',
      index: 't_a',
      definition: 'CREATE INDEX t_a ON t (a)',
      sizeBytes: 8192,
      detail: 'its columns are a prefix of t_a_b',
      dropDdl: 'DROP INDEX CONCURRENTLY "public"."t_a"',
    },
  ],
  skipped: [],
};

const built: BuildHistoryEntryPayload = {
  id: 'e1',
  name: proposal.name,
  schema: 'unified',
  table: 'chunks',
  ddl: proposal.ddl,
  reason: proposal.reason,
  startedAt: 1_700_000_100_000,
  finishedAt: 1_700_000_101_500,
  status: 'built',
  error: null,
  durationMs: 1500,
  sizeBytes: 5_000_000,
  latencyBefore: { session_timeline: 120, all: 6 },
  latencyAfter: { session_timeline: 1.2, all: 0.8 },
  rolledBackAt: null,
};

const progress: BuildProgressPayload = {
  name: proposal.name,
  schema: 'unified',
  table: 'chunks',
  pid: 4321,
  phase: 'waiting for writers before build',
  phaseText: 'Waiting for transactions that write to the table',
  fraction: null,
  blocksDone: 0,
  blocksTotal: 0,
  tuplesDone: 0,
  tuplesTotal: 0,
  lockersDone: 0,
  lockersTotal: 1,
  blocker: { pid: 777, query: 'UPDATE chunks SET kind = kind', state: 'idle in transaction', xactAgeMs: 65_000 },
};

function engine() {
  let history: BuildHistoryEntryPayload[] = [];
  return new FakeEngineApi()
    .handle('advisor.status', () => ({ readOnly: false, report: null, running: [], history }))
    .handle('advisor.analyze', () => report)
    .handle('advisor.build', async () => {
      history = [built];
      return { name: proposal.name, status: 'built', message: `Built index ${proposal.name} on "unified"."chunks".`, entry: built };
    })
    .handle('advisor.rollback', () => ({ ...built, status: 'rolled-back', rolledBackAt: 1 }))
    .handle('database.cancelQuery', () => ({ cancelled: true }));
}

function renderIndexes(api: FakeEngineApi) {
  const services = consoleServices(api, 'indexes');
  services.status.getState().apply(readyStatus());
  return renderInConsole(createElement(IndexesPage), services);
}

describe('indexes page', () => {
  it('analyzes on request and shows each proposal with its DDL, the statements it serves, gain, size and write cost; and the findings', async () => {
    const api = engine();
    renderIndexes(api);
    fireEvent.click(await screen.findByRole('button', { name: 'Analyze workload' }));
    const card = await screen.findByTestId(`proposal-${proposal.name}`);
    expect(card.textContent).toContain(proposal.ddl);
    expect(card.textContent).toContain('session_timeline');
    expect(card.textContent).toContain('11340 → 15');
    expect(card.textContent).toContain('31% of the workload');
    expect(card.textContent).toContain('size about 6 MiB');
    expect(screen.getByTestId('advisor-method').textContent).toContain('HypoPG is not installed');
    expect(screen.getByTestId('index-findings').textContent).toContain('DROP INDEX CONCURRENTLY "public"."t_a"');
  });

  it('sends the storage budget the operator gives (MiB), refuses one that is not a whole number, and shows what the proposals take of it', async () => {
    const api = engine();
    renderIndexes(api);
    const budget = await screen.findByLabelText(/Storage budget/);
    fireEvent.change(budget, { target: { value: '1.5' } });
    fireEvent.click(screen.getByRole('button', { name: 'Analyze workload' }));
    expect((await screen.findByText(/whole number of MiB/)).textContent).toContain('leave it empty for the default');
    expect(api.callsOf('advisor.analyze')).toEqual([]);
    fireEvent.change(budget, { target: { value: '200' } });
    fireEvent.click(screen.getByRole('button', { name: 'Analyze workload' }));
    await screen.findByTestId(`proposal-${proposal.name}`);
    expect(api.callsOf('advisor.analyze')).toEqual([{ budgetBytes: 200 * 1024 * 1024 }]);
    expect(screen.getByRole('heading', { name: /Proposals/ }).textContent).toContain('proposals take 6 MiB of a 512 MiB budget');
  });

  it('builds, shows live progress with the blocker and asks before cancelling its query, then lists the build with its measured effect', async () => {
    const api = engine();
    const { services } = renderIndexes(api);
    fireEvent.click(await screen.findByRole('button', { name: 'Analyze workload' }));
    await screen.findByTestId(`proposal-${proposal.name}`);
    act(() => services.advisor.getState().applyProgress(progress));
    const blocker = await screen.findByTestId('index-blocker');
    expect(blocker.textContent).toContain('Waiting for backend 777, in a transaction open for 1 min 5 s');
    fireEvent.click(within(blocker).getByRole('button', { name: 'Cancel its query…' }));
    fireEvent.click(
      within(screen.getByRole('dialog', { name: 'Cancel the query of backend 777?' })).getByRole('button', { name: 'Cancel query' }),
    );
    await waitFor(() => expect(api.callsOf('database.cancelQuery')).toEqual([{ pid: 777, confirm: true }]));
    // While a build of this index runs (here: one started elsewhere), its card offers Cancel, not Build.
    expect(screen.queryByRole('button', { name: 'Build' })).toBeNull();
    within(screen.getByTestId(`proposal-${proposal.name}`)).getByRole('button', { name: 'Cancel build' });
    act(() => services.advisor.setState({ progress: {} }));

    fireEvent.click(screen.getByRole('button', { name: 'Build' }));
    await waitFor(() => expect(api.callsOf('advisor.build')).toEqual([{ name: proposal.name }]));
    const history = await screen.findByTestId('index-history');
    await waitFor(() => expect(history.textContent).toContain('session_timeline p95 120.0 → 1.2 ms'));
  });

  it('rolls back only after confirmation', async () => {
    const api = engine();
    renderIndexes(api);
    fireEvent.click(await screen.findByRole('button', { name: 'Analyze workload' }));
    fireEvent.click(await screen.findByRole('button', { name: 'Build' }));
    fireEvent.click(await screen.findByRole('button', { name: 'Roll back…' }));
    fireEvent.click(within(screen.getByRole('dialog', { name: `Drop index ${proposal.name}?` })).getByRole('button', { name: 'Keep it' }));
    expect(api.callsOf('advisor.rollback')).toEqual([]);
    fireEvent.click(screen.getByRole('button', { name: 'Roll back…' }));
    fireEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Drop index' }));
    await waitFor(() => expect(api.callsOf('advisor.rollback')).toEqual([{ name: proposal.name, confirm: true }]));
  });
});

describe('the Optimize button', () => {
  it('shows the plan, applies it only after confirmation, and shows before/after', async () => {
    const plan = {
      id: 'plan-1',
      at: 1,
      steps: [
        {
          id: `index:${proposal.name}`,
          kind: 'index' as const,
          title: 'Build a B-tree index on chunks (session_id, created_at, id)',
          detail: 'd',
          estimatedGain: '−99.9% planner cost for 1 statement',
          ddl: proposal.ddl,
        },
      ],
      notes: [],
      before: { session_timeline: 120, all: 6 },
      advisor: report,
    };
    const api = new FakeEngineApi()
      .handle('optimize.plan', () => plan)
      .handle('optimize.apply', () => ({
        planId: 'plan-1',
        steps: [{ id: plan.steps[0]!.id, status: 'done' as const, message: 'Built.' }],
        before: { session_timeline: 120, all: 6 },
        after: { session_timeline: 1.2, all: 0.5 },
        windowSeconds: 30,
      }));
    const services = consoleServices(api);
    services.status.getState().apply(readyStatus());
    renderInConsole(createElement(AppHeader), services);
    fireEvent.click(screen.getByRole('button', { name: 'Optimize' }));
    const review = await screen.findByRole('dialog', { name: 'Optimize: 1 step' });
    expect(review.textContent).toContain('−99.9% planner cost');
    expect(review.textContent).toContain(proposal.ddl);
    expect(api.callsOf('optimize.apply')).toEqual([]);
    fireEvent.click(within(review).getByRole('button', { name: 'Apply 1 step' }));
    const table = await screen.findByTestId('optimize-before-after');
    expect(api.callsOf('optimize.apply')).toEqual([{ planId: 'plan-1', confirm: true }]);
    expect(table.textContent).toContain('120.00 ms');
    expect(table.textContent).toContain('1.20 ms');
    expect(table.textContent).toContain('100.0× faster');
    expect(table.textContent).toContain('12.0× faster');
  });
});
