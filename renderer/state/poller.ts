export interface Poller {
  /** True while someone wants fresh data (it may still be paused by a hidden document). */
  readonly polling: boolean;
  start(): void;
  stop(): void;
  setVisible(visible: boolean): void;
}

/**
 * Calls `refresh` now and then every `intervalMs` while started and the document is visible. The next call
 * is scheduled after the previous one answered, so a slow engine never piles up calls.
 */
export function createPoller(refresh: () => Promise<void>, intervalMs: number): Poller {
  let polling = false;
  let visible = true;
  let timer: ReturnType<typeof setTimeout> | null = null;
  // Bumped on every start/stop so a refresh that was in flight when polling stopped does not reschedule.
  let generation = 0;

  const loop = async (mine: number) => {
    await refresh();
    if (mine !== generation || !polling || !visible) return;
    timer = setTimeout(() => void loop(mine), intervalMs);
  };
  const restart = () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    generation++;
    if (polling && visible) void loop(generation);
  };
  return {
    get polling() {
      return polling;
    },
    start() {
      if (polling) return;
      polling = true;
      restart();
    },
    stop() {
      polling = false;
      restart();
    },
    setVisible(next) {
      if (next === visible) return;
      visible = next;
      restart();
    },
  };
}
