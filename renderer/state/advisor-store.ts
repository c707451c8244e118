import { createStore, type StoreApi } from 'zustand/vanilla';
import type {
  AdvisorReportPayload,
  BuildHistoryEntryPayload,
  BuildOutcomePayload,
  BuildProgressPayload,
} from '../../main/contract/advisor.ts';
import type { EngineApi } from '../../main/contract/api.ts';
import { createPoller } from './poller.ts';
import { toError } from './to-error.ts';

export const ADVISOR_POLL_MS = 2000;

export interface AdvisorState {
  readOnly: boolean;
  report: AdvisorReportPayload | null;
  history: BuildHistoryEntryPayload[];
  /** Latest progress per index being built, from `index.progress` events (and the status poll). */
  progress: Record<string, BuildProgressPayload>;
  /** Names of builds this console started and that have not finished. */
  building: string[];
  analyzing: boolean;
  /** The latest outcome per index, for the message beside it. */
  outcomes: Record<string, BuildOutcomePayload>;
  error: Error | null;
  startPolling(): void;
  stopPolling(): void;
  setVisible(visible: boolean): void;
  refresh(): Promise<void>;
  applyProgress(progress: BuildProgressPayload): void;
  /** Runs the analysis; `budgetBytes` caps the proposals' storage (absent: the engine's default share of the database). */
  analyze(budgetBytes?: number): Promise<void>;
  build(name: string): Promise<void>;
  cancelBuild(name: string): Promise<void>;
  /** Cancels the query of the backend a build waits for; call only after the operator confirmed. */
  cancelBlocker(pid: number): Promise<void>;
  /** DROP INDEX CONCURRENTLY of an index Hotpath built; call only after the operator confirmed. */
  rollback(name: string): Promise<void>;
}

export type AdvisorStore = StoreApi<AdvisorState>;

/** The Indexes page's state: the analysis, builds with live progress, and the history with rollback. */
export function createAdvisorStore(api: EngineApi): AdvisorStore {
  return createStore<AdvisorState>()((set, get) => {
    const poller = createPoller(() => get().refresh(), ADVISOR_POLL_MS);
    const guard = async (work: () => Promise<void>) => {
      set({ error: null });
      try {
        await work();
      } catch (error) {
        set({ error: toError(error) });
      }
    };
    return {
      readOnly: false,
      report: null,
      history: [],
      progress: {},
      building: [],
      analyzing: false,
      outcomes: {},
      error: null,
      startPolling: () => poller.start(),
      stopPolling: () => poller.stop(),
      setVisible: (visible) => poller.setVisible(visible),
      async refresh() {
        try {
          const status = await api.call('advisor.status', {});
          // The engine's list of running builds is the truth: a build that ended (here, in Optimize or in another
          // console) drops out, except one this console started and still awaits.
          const progress: Record<string, BuildProgressPayload> = {};
          for (const name of get().building) if (get().progress[name]) progress[name] = get().progress[name]!;
          for (const p of status.running) progress[p.name] = p;
          set({ readOnly: status.readOnly, report: status.report ?? get().report, history: status.history, progress });
        } catch (error) {
          set({ error: toError(error) });
        }
      },
      applyProgress(progress) {
        set({ progress: { ...get().progress, [progress.name]: progress } });
      },
      analyze: (budgetBytes) =>
        guard(async () => {
          set({ analyzing: true });
          try {
            set({ report: await api.call('advisor.analyze', budgetBytes === undefined ? {} : { budgetBytes }) });
          } finally {
            set({ analyzing: false });
          }
        }),
      build: (name) =>
        guard(async () => {
          set({ building: [...get().building, name] });
          try {
            const outcome = await api.call('advisor.build', { name });
            set({ outcomes: { ...get().outcomes, [name]: outcome } });
          } finally {
            const { [name]: _done, ...rest } = get().progress;
            set({ building: get().building.filter((n) => n !== name), progress: rest });
            void get().refresh();
          }
        }),
      cancelBuild: (name) => guard(async () => void (await api.call('advisor.cancelBuild', { name }))),
      cancelBlocker: (pid) => guard(async () => void (await api.call('database.cancelQuery', { pid, confirm: true }))),
      rollback: (name) =>
        guard(async () => {
          await api.call('advisor.rollback', { name, confirm: true });
          await get().refresh();
        }),
    };
  });
}
