import { configure } from '@testing-library/dom';

// findBy*/waitFor give up after 1 s by default; on a loaded 2-core CI machine a jsdom
// render can take longer. This is a ceiling for polling, not a speed assertion.
configure({ asyncUtilTimeout: 15_000 });
