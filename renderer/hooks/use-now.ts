import { useEffect, useState } from 'react';

/**
 * The time, held in state and refreshed every `intervalMs`: rendering stays pure (React may render a component
 * twice and must get the same output), and "… ago" texts still move on while nothing else changes.
 */
export function useNow(intervalMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}
