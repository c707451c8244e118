import { useTheme } from '../app/console-context.ts';

/**
 * Switches between dark and light. A toggle button ("Dark theme", pressed or not)
 * rather than a label that flips, so its name stays put for screen readers and tests.
 */
export function ThemeToggle() {
  const theme = useTheme((s) => s.theme);
  const toggle = useTheme((s) => s.toggle);
  return (
    <button
      type="button"
      className="theme-toggle"
      aria-pressed={theme === 'dark'}
      onClick={toggle}
      title="Follows your system until you choose"
    >
      <span aria-hidden="true">{theme === 'dark' ? '☾' : '☀'}</span> Dark theme
    </button>
  );
}
