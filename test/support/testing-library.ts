// The unit project's setup file, run before every test file: only the renderer's tests (jsdom) use Testing Library,
// so the others do not pay for loading it.
if (typeof window !== 'undefined') {
  const { configure } = await import('@testing-library/dom');
  // findBy*/waitFor give up after 1 s by default; on a loaded 2-core CI machine a jsdom
  // render can take longer. This is a ceiling for polling, not a speed assertion.
  configure({ asyncUtilTimeout: 15_000 });
}
