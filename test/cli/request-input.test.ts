// A cookie or header no request can carry is refused before anything is sent, with a typed error naming
// the option, instead of every request failing and the target reported unreachable.
import { describe, expect, it } from 'vitest';
import { RequestInputError, runAudit } from '../../src/audit/index.js';
import type { Transport } from '../../src/browser/index.js';
import { UsageError } from '../../src/doctor/usage.js';

function countingTransport(): { transport: Transport; sent: () => number } {
  let sent = 0;
  return {
    transport: async () => {
      sent++;
      return { status: 200, headers: [] };
    },
    sent: () => sent,
  };
}

describe('runAudit refuses what no request can carry', () => {
  it.each([
    ['a cookie beyond Latin-1', { cookie: 'sid=…' }, 'cookie', /U\+2026/],
    ['a cookie with a line break', { cookie: 'sid=1\r\nX-Evil: 1' }, 'cookie', /line break/],
    [
      'a header value beyond Latin-1',
      { headers: [['X-Key', 'é…']] as [string, string][] },
      'headers[0]',
      /U\+2026/,
    ],
    [
      'a header name that is not a token',
      { headers: [['X Key', '1']] as [string, string][] },
      'headers[0]',
      /not a header name/,
    ],
  ])('%s', async (_title, options, field, message) => {
    const { transport, sent } = countingTransport();
    const error = await runAudit(['http://127.0.0.1:9/me'], { ...options, transport }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RequestInputError);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as RequestInputError).field).toBe(field);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('\n');
    expect(sent()).toBe(0);
  });

  it('an ASCII cookie goes through', async () => {
    const { transport, sent } = countingTransport();
    const report = await runAudit(['http://127.0.0.1:9/me'], { cookie: 'sid=s3cr3t', transport });
    expect(report.targets[0]?.error).toBeNull();
    expect(sent()).toBeGreaterThan(0);
  });
});
