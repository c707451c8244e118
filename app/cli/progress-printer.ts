import type { EngineApi } from '../../main/contract/api.ts';
import type { TaskProgress } from '../../main/contract/status.ts';

/**
 * Prints the engine's progress and log events on stderr: a bar redrawn in place on a
 * terminal, a line every few seconds otherwise (logs, CI), so long work is never silent.
 */
export function printProgress(api: EngineApi, stream: NodeJS.WriteStream = process.stderr): () => void {
  let lastLineAt = 0;
  let barOpen = false;
  const endBar = () => {
    if (barOpen) stream.write('\n');
    barOpen = false;
  };
  const offProgress = api.subscribe('task.progress', (p) => {
    if (p.total === 0) {
      endBar();
      stream.write(`${p.message}\n`);
      return;
    }
    const finished = p.done >= p.total;
    if (stream.isTTY) {
      stream.write(`\r${bar(p)}`);
      barOpen = true;
      if (finished) endBar();
    } else if (finished || Date.now() - lastLineAt >= 2000) {
      lastLineAt = Date.now();
      stream.write(`${bar(p)}\n`);
    }
  });
  const offLog = api.subscribe('engine.log', (entry) => {
    endBar();
    stream.write(`${entry.level === 'info' ? '' : `${entry.level}: `}${entry.message}\n`);
  });
  return () => {
    offProgress();
    offLog();
  };
}

function bar(p: TaskProgress): string {
  const fraction = Math.min(1, p.done / p.total);
  const width = 30;
  const filled = Math.round(fraction * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}% ${p.message}`;
}
