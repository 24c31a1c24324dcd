// Pure parts of the page: the rule each check mark opens, and the origin comparison.
import { describe, expect, it } from 'vitest';
import { CORS_ERROR_CODES } from '../../src/spec/index.js';
import { ruleFor } from '../../src/ui/page/diagram/rules.js';
import { compareOrigins } from '../../src/ui/page/origins.js';

describe('ruleFor', () => {
  it('has a rule of its own, with a section of the standard, for every CORS error code', () => {
    for (const code of CORS_ERROR_CODES) {
      const rule = ruleFor(code.startsWith('Preflight') ? 'preflight' : 'cors', false, code);
      expect(rule.title, code).not.toMatch(/^(CORS check|Preflight) failed$/);
      expect(rule.text.length, code).toBeGreaterThan(20);
      expect(rule.section, code).toMatch(/^Fetch §4\.\d+ "/);
      expect(rule.href, code).toMatch(/^https:\/\/fetch\.spec\.whatwg\.org\/#/);
    }
  });

  it('sends a preflight failure to the CORS-preflight fetch section', () => {
    expect(ruleFor('preflight', false, 'PreflightAllowOriginMismatch')).toMatchObject({
      section: 'Fetch §4.9 "CORS-preflight fetch"',
    });
    expect(ruleFor('cors', false, 'AllowOriginMismatch')).toMatchObject({
      section: 'Fetch §4.10 "CORS check"',
    });
    expect(ruleFor('preflight', true, null).title).toBe('Preflight passed');
  });
});

describe('compareOrigins', () => {
  it('compares scheme, host and port and says why two origins are same site or not', () => {
    const c = compareOrigins('https://app.example.com', 'https://api.example.com:8443/items');
    expect(c).toMatchObject({
      scheme: { page: 'https', target: 'https', equal: true },
      host: { page: 'app.example.com', target: 'api.example.com', equal: false },
      port: { page: '443 (default)', target: '8443', equal: false },
      sameOrigin: false,
      sameSite: true,
    });
    expect(c?.notes[0]).toBe('Cross-origin: the host and port differ, so CORS applies.');
    expect(c?.notes[1]).toMatch(/^Same site \(https:\/\/example\.com\)/);
  });

  it('uses the Public Suffix List: two github.io sites are cross-site', () => {
    const c = compareOrigins('https://alice.github.io', 'https://bob.github.io/');
    expect(c?.sameSite).toBe(false);
    expect(c?.notes[1]).toContain('alice.github.io and bob.github.io');
  });

  it('knows same origin, schemelessly same site, and the opaque origin', () => {
    expect(compareOrigins('http://localhost:3000', 'http://localhost:3000/api')?.sameOrigin).toBe(true);
    const mixed = compareOrigins('http://example.com', 'https://example.com/');
    expect(mixed).toMatchObject({ sameSite: false, schemelesslySameSite: true });
    const opaque = compareOrigins('null', 'https://example.com/');
    expect(opaque).toMatchObject({ sameOrigin: false, sameSite: false });
    expect(opaque?.notes[0]).toMatch(/opaque origin/);
    expect(compareOrigins('https://a.example', 'not a url')).toBeNull();
  });
});
