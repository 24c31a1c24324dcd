// The origins an audit sends: derived from the target with the Public Suffix List.
import { describe, expect, it } from 'vitest';
import { severityOf } from '../../src/audit/classes.js';
import {
  attackerSuffix,
  deriveTrustedOrigin,
  originProbes,
  randomLabel,
  trustedOrigins,
} from '../../src/audit/origins.js';
import { UsageError } from '../../src/doctor/scenarios.js';
import { registrableDomain } from '../../src/spec/index.js';

const counter = () => {
  let n = 0;
  return () => `r${n++}x`;
};

function probesFor(url: string, trusted: string[] = []) {
  const target = new URL(url);
  return originProbes(target, trustedOrigins(target, trusted), counter());
}

describe('audit origins', () => {
  it('derives a plausible trusted origin on the same registrable domain', () => {
    expect(deriveTrustedOrigin(new URL('https://api.example.com/x'))).toBe('https://www.example.com');
    expect(deriveTrustedOrigin(new URL('https://www.example.co.uk/'))).toBe('https://example.co.uk');
    expect(deriveTrustedOrigin(new URL('http://127.0.0.1:8080/'))).toBe('http://127.0.0.1:8080');
    expect(deriveTrustedOrigin(new URL('http://localhost:3000/'))).toBe('http://localhost:3000');
  });

  it('registers attacker domains under the target public suffix, or .com for IPs', () => {
    expect(attackerSuffix('api.example.co.uk')).toBe('co.uk');
    expect(attackerSuffix('me.github.io')).toBe('github.io');
    expect(attackerSuffix('127.0.0.1')).toBe('com');
    expect(attackerSuffix('localhost')).toBe('com');
  });

  it('builds the reference probes for https://api.example.com', () => {
    const byId = new Map<string, string[]>();
    for (const p of probesFor('https://api.example.com/'))
      byId.set(p.id, [...(byId.get(p.id) ?? []), p.origin]);
    expect(byId.get('reflect-any-origin')).toEqual(['https://r0x.com']);
    expect(byId.get('null-origin')).toEqual(['null']);
    expect(byId.get('prefix-match')).toContain('https://api.example.com.r1x.com');
    expect(byId.get('prefix-match')).toContain('https://api.example.comr2x.com');
    expect(byId.get('suffix-match')).toEqual(
      expect.arrayContaining([expect.stringMatching(/^https:\/\/r\d+xexample\.com$/)]),
    );
    expect(byId.get('substring-match')).toEqual(
      expect.arrayContaining(['https://api.example.co', 'https://xample.com']),
    );
    expect(byId.get('unescaped-dot')).toEqual(
      expect.arrayContaining(['https://apirexample.com', 'https://api.examplercom']),
    );
    expect(byId.get('special-chars')).toEqual(
      expect.arrayContaining([expect.stringMatching(/^https:\/\/api\.example\.com_\.r\d+x\.com$/)]),
    );
    expect(byId.get('special-chars')?.some((o) => o.includes('`'))).toBe(true);
    expect(byId.get('any-subdomain')).toEqual(
      expect.arrayContaining([expect.stringMatching(/^https:\/\/r\d+x\.api\.example\.com$/)]),
    );
    expect(byId.get('http-origin-trusted')).toContain('http://api.example.com');
    expect(byId.get('other-port-trusted')).toContain('https://api.example.com:8443');
    expect(byId.get('third-party-origin')).toEqual(
      expect.arrayContaining(['https://codepen.io', 'http://jsbin.com']),
    );
    expect(byId.get('localhost-trusted')).toEqual(
      expect.arrayContaining(['http://localhost', 'http://127.0.0.1']),
    );
  });

  it('only sends attacker domains an attacker can register (not the target own domain)', () => {
    for (const p of probesFor('https://api.example.com/')) {
      if (
        [
          'any-subdomain',
          'http-origin-trusted',
          'other-port-trusted',
          'localhost-trusted',
          'null-origin',
        ].includes(p.id)
      )
        continue;
      if (p.id === 'suffix-match' && p.origin.endsWith('.example.com')) continue; // proves the missing dot
      if (p.id === 'special-chars') continue;
      expect([p.origin, registrableDomain(new URL(p.origin).hostname)]).not.toEqual([
        p.origin,
        'example.com',
      ]);
    }
  });

  it('never sends the target itself or what the trusted origins allow', () => {
    const probes = probesFor('https://api.example.com/', ['https://*.example.com', 'http://localhost:*']);
    const origins = probes.map((p) => p.origin);
    expect(origins).not.toContain('https://api.example.com');
    expect(probes.filter((p) => p.id === 'any-subdomain')).toEqual([]);
    expect(
      probes.filter((p) => p.id === 'localhost-trusted' && p.origin.startsWith('http://localhost')),
    ).toEqual([]);
    expect(new Set(origins).size).toBe(origins.length);
  });

  it('applies prefix tricks to the host string of an IP target', () => {
    const origins = probesFor('http://127.0.0.1:5000/').map((p) => `${p.id} ${p.origin}`);
    expect(origins).toContain('prefix-match http://127.0.0.1.r1x.com');
    expect(origins).toContain('reflect-any-origin https://r0x.com');
    expect(origins.filter((o) => o.startsWith('suffix-match'))).toEqual([]);
  });

  it('refuses a trusted origin that is not one', () => {
    expect(() => trustedOrigins(new URL('https://a.example/'), ['null'])).toThrow(UsageError);
    expect(() => trustedOrigins(new URL('https://a.example/'), ['https://app.example.com/'])).toThrow(
      /slash/,
    );
  });

  it('draws fresh labels', () => {
    const labels = new Set(Array.from({ length: 50 }, randomLabel));
    expect(labels.size).toBe(50);
    for (const l of labels) expect(l).toMatch(/^[a-z][a-z0-9]{7}$/);
  });

  it('raises severity with credentials as the reference says', () => {
    expect([severityOf('reflect-any-origin', true), severityOf('reflect-any-origin', false)]).toEqual([
      'high',
      'medium',
    ]);
    expect([severityOf('any-subdomain', true), severityOf('any-subdomain', false)]).toEqual([
      'medium',
      'low',
    ]);
    expect([severityOf('other-port-trusted', true), severityOf('other-port-trusted', false)]).toEqual([
      'low',
      'info',
    ]);
    expect(severityOf('missing-vary-origin', false)).toBe('medium');
  });
});
