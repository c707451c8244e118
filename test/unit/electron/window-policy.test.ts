import { describe, expect, it } from 'vitest';
import { decideNavigation, isPermissionAllowed, isSafeExternalUrl } from '../../../app/electron/window-policy.ts';

describe('the window policy', () => {
  it('hands only plain http(s) links to the browser', () => {
    expect(isSafeExternalUrl('https://www.postgresql.org/docs/current/pgstatstatements.html')).toBe(true);
    expect(isSafeExternalUrl('http://127.0.0.1:7300/metrics')).toBe(true);
    for (const url of [
      'file:///etc/passwd',
      'smb://server/share/run.exe',
      'javascript:alert(1)',
      'ms-msdt:/id PCWDiagnostic',
      'hotpath://app/index.html',
      'https://user:pw@example.com/',
      'https://',
      'not a url',
    ]) {
      expect(isSafeExternalUrl(url), url).toBe(false);
    }
  });

  it('lets the window move only within our pages, sends http(s) to the browser, and blocks the rest', () => {
    expect(decideNavigation('hotpath://app/index.html')).toBe('allow');
    expect(decideNavigation('hotpath://app/settings')).toBe('allow');
    expect(decideNavigation('https://github.com/hotpath')).toBe('open-externally');
    expect(decideNavigation('file:///home/user/evil.html')).toBe('deny');
    expect(decideNavigation('hotpath://app.evil/index.html')).toBe('deny');
    expect(decideNavigation('data:text/html,<script>alert(1)</script>')).toBe('deny');
  });

  it('refuses every permission except clipboard writes from our own pages', () => {
    for (const permission of [
      'media',
      'geolocation',
      'notifications',
      'midiSysex',
      'openExternal',
      'clipboard-read',
      'fullscreen',
      'unknown',
    ]) {
      expect(isPermissionAllowed(permission, 'hotpath://app/index.html'), permission).toBe(false);
    }
    expect(isPermissionAllowed('clipboard-sanitized-write', 'hotpath://app/index.html')).toBe(true);
    expect(isPermissionAllowed('clipboard-sanitized-write', 'hotpath://app')).toBe(true);
    expect(isPermissionAllowed('clipboard-sanitized-write', 'https://evil.example/')).toBe(false);
    expect(isPermissionAllowed('clipboard-sanitized-write', undefined)).toBe(false);
  });
});
