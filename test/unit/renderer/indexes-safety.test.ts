// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { createElement } from 'react';
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import type { AdvisorReportPayload, BuildHistoryEntryPayload } from '../../../main/contract/advisor.ts';
import { IndexesPage } from '../../../renderer/pages/indexes-page.tsx';
import { FakeEngineApi } from './fake-engine-api.ts';
import { readyStatus } from './fixtures.ts';
import { consoleServices, renderInConsole } from './render-console.ts';

afterEach(cleanup);

const LONG_QUERY = `SELECT c.id, c.session_id, c.created_at, c.kind, c.body FROM unified.chunks c JOIN unified.edges e ON e.src = c.id
  WHERE c.session_id = $1 AND c.created_at > $2 AND e.kind = $3 ORDER BY c.created_at DESC, c.id DESC LIMIT $4`;

const skipped: AdvisorReportPayload['skipped'] = [
  {
    query: LONG_QUERY,
    reason: 'run by app_writer, which hotpath may not SET ROLE to; Hotpath plans a statement only as the role that ran it.',
  },
  { query: 'SELECT evil_fold(1)', reason: 'could not be planned as mallory: permission denied for function evil_fold' },
];

function report(skippedStatements: AdvisorReportPayload['skipped']): AdvisorReportPayload {
  return {
    method: 'estimate',
    methodNote: 'HypoPG is not installed on this server: costs are estimated from pg_stats.',
    serverVersion: 180004,
    at: 1_700_000_000_000,
    statements: 3,
    budget: { bytes: 512 * 1024 * 1024, source: 'default', proposedBytes: 0 },
    proposals: [],
    findings: [],
    skipped: skippedStatements,
  };
}

const DDL = 'CREATE INDEX CONCURRENTLY "hp_chunks_kind_9f8e7d6c" ON "unified"."chunks" USING btree ("kind")';
const base: BuildHistoryEntryPayload = {
  id: 'e1',
  name: 'hp_chunks_kind_9f8e7d6c',
  schema: 'unified',
  table: 'chunks',
  ddl: DDL,
  reason: 'kind filters',
  startedAt: 1_700_000_100_000,
  finishedAt: null,
  status: 'building',
  error: null,
  durationMs: null,
  sizeBytes: null,
  latencyBefore: null,
  latencyAfter: null,
  rolledBackAt: null,
};
const leftInvalid: BuildHistoryEntryPayload = {
  ...base,
  id: 'e2',
  finishedAt: 1_700_000_160_000,
  durationMs: 60_000,
  status: 'failed',
  error: 'interrupted: the process running the build stopped',
  leftInvalid: true,
  droppableLeftover: true,
  note: 'The build was interrupted and left an INVALID index (it slows writes and serves no query). Roll back this entry (index hp_chunks_kind_9f8e7d6c) to drop it.',
};

function engine(options: { report?: AdvisorReportPayload; history?: BuildHistoryEntryPayload[]; readOnly?: boolean } = {}) {
  let history = options.history ?? [];
  return new FakeEngineApi()
    .handle('advisor.status', () => ({ readOnly: options.readOnly ?? false, report: null, running: [], history }))
    .handle('advisor.analyze', () => options.report ?? report(skipped))
    .handle('advisor.rollback', (p) => {
      const entry = history.find((e) => e.name === p.name && e.leftInvalid)!;
      const dropped = {
        ...entry,
        leftInvalid: undefined,
        droppableLeftover: undefined,
        note: 'The invalid index this build left was dropped on request.',
      };
      history = history.map((e) => (e.id === entry.id ? dropped : e));
      return dropped;
    });
}

async function renderIndexes(api: FakeEngineApi) {
  const services = consoleServices(api, 'indexes');
  services.status.getState().apply(readyStatus());
  const rendered = renderInConsole(createElement(IndexesPage), services);
  await services.advisor.getState().refresh();
  return rendered;
}

describe('statements the advisor did not analyze', () => {
  it('lists each skipped statement, shortened, with its full text on hover and on expand, and its reason', async () => {
    await renderIndexes(engine());
    fireEvent.click(await screen.findByRole('button', { name: 'Analyze workload' }));
    const section = await screen.findByTestId('advisor-skipped');
    expect(within(section).getByText('Not analyzed (2)')).toBeTruthy();
    const items = within(section).getAllByRole('listitem');
    expect(items).toHaveLength(2);
    // The long query: one line, cut with an ellipsis; the whole text in the title and in the expanded block.
    const shown = within(items[0]!).getByTestId('skipped-query');
    expect(shown.textContent!.length).toBeLessThan(LONG_QUERY.length);
    expect(shown.textContent!.endsWith('…')).toBe(true);
    expect(shown.textContent).not.toContain('\n');
    expect(shown.getAttribute('title')).toBe(LONG_QUERY);
    const full = within(items[0]!).getByTestId('skipped-query-full');
    expect(full.textContent).toBe(LONG_QUERY);
    expect(items[0]!.textContent).toContain('which hotpath may not SET ROLE to');
    // A short query is shown whole, with nothing to expand.
    expect(within(items[1]!).getByTestId('skipped-query').textContent).toBe('SELECT evil_fold(1)');
    expect(within(items[1]!).queryByTestId('skipped-query-full')).toBeNull();
    expect(items[1]!.textContent).toContain('permission denied for function evil_fold');
    // The proposals' heading accounts for every statement.
    expect(screen.getByRole('heading', { name: /Proposals/ }).textContent).toContain('3 statements analyzed, 2 not analyzed');
  });

  it('is open when short and collapsed when long, and says so in its summary', async () => {
    const many = Array.from({ length: 12 }, (_, i) => ({ query: `SELECT * FROM t${i} WHERE a = $1`, reason: `reason ${i}` }));
    await renderIndexes(engine({ report: report(many) }));
    fireEvent.click(await screen.findByRole('button', { name: 'Analyze workload' }));
    const section = await screen.findByTestId('advisor-skipped');
    expect(section.tagName).toBe('DETAILS');
    expect((section as HTMLDetailsElement).open).toBe(false);
    expect(within(section).getByText('Not analyzed (12)')).toBeTruthy();
    expect(within(section).getAllByRole('listitem')).toHaveLength(12);
    cleanup();
    await renderIndexes(engine());
    fireEvent.click(await screen.findByRole('button', { name: 'Analyze workload' }));
    expect(((await screen.findByTestId('advisor-skipped')) as HTMLDetailsElement).open).toBe(true);
  });

  it('shows no section when every statement was analyzed', async () => {
    await renderIndexes(engine({ report: { ...report([]), statements: 1 } }));
    fireEvent.click(await screen.findByRole('button', { name: 'Analyze workload' }));
    await screen.findByTestId('advisor-method');
    expect(screen.queryByTestId('advisor-skipped')).toBeNull();
    expect(screen.getByRole('heading', { name: /Proposals/ }).textContent).toContain('1 statement analyzed at');
    expect(screen.getByRole('heading', { name: /Proposals/ }).textContent).not.toContain('not analyzed');
  });
});

describe('builds a crash left behind', () => {
  it('shows building and failed entries with their note', async () => {
    await renderIndexes(
      engine({
        history: [
          { ...base, id: 'b0', name: 'hp_edges_src_11223344', note: 'Still being built by PostgreSQL (backend 4242).' },
          leftInvalid,
        ],
      }),
    );
    const history = await screen.findByTestId('index-history');
    const rows = within(history).getAllByRole('row').slice(1);
    expect(rows[0]!.textContent).toContain('failed');
    expect(rows[0]!.textContent).toContain('interrupted: the process running the build stopped');
    expect(rows[0]!.textContent).toContain('left an INVALID index');
    expect(rows[1]!.textContent).toContain('building');
    expect(rows[1]!.textContent).toContain('Still being built by PostgreSQL (backend 4242).');
    expect(within(rows[1]!).queryByRole('button')).toBeNull();
  });

  it('drops the invalid index only after confirmation: Keep it calls nothing, the confirm calls advisor.rollback with its name', async () => {
    const api = engine({ history: [leftInvalid] });
    await renderIndexes(api);
    fireEvent.click(await screen.findByRole('button', { name: 'Drop invalid index…' }));
    const dialog = screen.getByRole('dialog', { name: `Drop the invalid index ${leftInvalid.name}?` });
    expect(dialog.textContent).toContain('chunks');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Keep it' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Drop invalid index…' }));
    fireEvent.keyDown(screen.getByRole('dialog'), { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(api.callsOf('advisor.rollback')).toEqual([]);

    fireEvent.click(screen.getByRole('button', { name: 'Drop invalid index…' }));
    fireEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Drop invalid index' }));
    await waitFor(() => expect(api.callsOf('advisor.rollback')).toEqual([{ name: leftInvalid.name, confirm: true }]));
    // The refreshed history shows what the drop did, and offers nothing more.
    await waitFor(() =>
      expect(screen.getByTestId('index-history').textContent).toContain('The invalid index this build left was dropped on request.'),
    );
    expect(screen.queryByRole('button', { name: 'Drop invalid index…' })).toBeNull();
  });

  it('offers no drop in read-only mode, and says why', async () => {
    await renderIndexes(engine({ history: [leftInvalid], readOnly: true }));
    const button = await screen.findByRole('button', { name: 'Drop invalid index…' });
    expect((button as HTMLButtonElement).disabled).toBe(true);
    expect(button.getAttribute('title')).toContain('Read-only mode');
  });

  it('offers no drop for a leftover that advisor.rollback would not reach (a newer entry of that name decides)', async () => {
    // What the engine sends then: the leftover is no longer the one advisor.rollback would drop.
    const rebuilt: BuildHistoryEntryPayload = { ...base, id: 'e3', status: 'built', finishedAt: 1_700_000_300_000, durationMs: 1000 };
    await renderIndexes(engine({ history: [{ ...leftInvalid, droppableLeftover: undefined }, rebuilt] }));
    await screen.findByTestId('index-history');
    expect(screen.queryByRole('button', { name: 'Drop invalid index…' })).toBeNull();
    expect(screen.getByRole('button', { name: 'Roll back…' })).toBeTruthy();
  });

  it("offers the drop only where the engine says advisor.rollback would drop that entry's leftover, not from leftInvalid alone", async () => {
    await renderIndexes(engine({ history: [{ ...leftInvalid, droppableLeftover: undefined }] }));
    await screen.findByTestId('index-history');
    expect(screen.getByTestId('index-history').textContent).toContain('invalid index left');
    expect(screen.queryByRole('button', { name: 'Drop invalid index…' })).toBeNull();
  });

  it('shows the engine error when the drop is refused, and the entry stays', async () => {
    const api = engine({ history: [leftInvalid] }).fail(
      'advisor.rollback',
      'definition-changed',
      `${leftInvalid.name} in schema unified is no longer the invalid index Hotpath's failed build left (it is now a valid index), so Hotpath will not drop it.`,
      'Someone built or replaced it under the same name.',
    );
    await renderIndexes(api);
    fireEvent.click(await screen.findByRole('button', { name: 'Drop invalid index…' }));
    fireEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Drop invalid index' }));
    await screen.findByText(/so Hotpath will not drop it/);
    expect(screen.getByRole('button', { name: 'Drop invalid index…' })).toBeTruthy();
  });
});
