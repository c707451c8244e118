import { useEffect } from 'react';

/** Calls `onChange` with the document's visibility whenever it changes (tab hidden, window minimised). */
export function useDocumentVisibility(onChange: (visible: boolean) => void): void {
  useEffect(() => {
    const report = () => onChange(document.visibilityState !== 'hidden');
    report();
    document.addEventListener('visibilitychange', report);
    return () => document.removeEventListener('visibilitychange', report);
  }, [onChange]);
}
