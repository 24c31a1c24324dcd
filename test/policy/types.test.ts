// The types of createCorsPolicy: without an originLookup, decide() and explain() are synchronous, so
// `createCorsPolicy({...}).explain(req).message` compiles under strict. Checked by `npm run typecheck`
// (the @ts-expect-error lines fail it if the types loosen) and at run time by vitest.
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  type CorsDecision,
  type CorsExplanation,
  type CorsPolicy,
  createCorsPolicy,
  type SyncCorsPolicy,
} from '../../src/index.js';

const request = { method: 'GET', headers: { origin: 'https://app.example.com' } };

describe('createCorsPolicy types', () => {
  it('without originLookup: decide and explain return plain values', () => {
    const policy = createCorsPolicy({ origins: ['https://app.example.com'] });
    expectTypeOf(policy).toEqualTypeOf<SyncCorsPolicy>();
    expectTypeOf(policy.decide(request)).toEqualTypeOf<CorsDecision>();
    expectTypeOf(policy.explain(request)).toEqualTypeOf<CorsExplanation>();
    const message: string = policy.explain(request).message;
    expect(message).toMatch(/^Allowed/);
    expect(policy.decide(request).allowed).toBe(true);
  });

  it('with originLookup: they may be promises', async () => {
    const policy = createCorsPolicy({
      origins: [],
      originLookup: { lookup: async () => true, dependsOn: [] },
    });
    expectTypeOf(policy).toEqualTypeOf<CorsPolicy>();
    expectTypeOf(policy.decide(request)).toEqualTypeOf<CorsDecision | Promise<CorsDecision>>();
    // @ts-expect-error: a policy with a lookup may answer with a promise, which has no `message`
    expect(policy.explain({ ...request, headers: { origin: 'https://x.example' } }).message).toBeUndefined();
    expect((await policy.explain(request)).allowed).toBe(true);
  });

  it('a sync policy is accepted wherever a policy is', () => {
    const sync: SyncCorsPolicy = createCorsPolicy({ origins: '*' });
    const general: CorsPolicy = sync;
    expect(general.describe().origins).toBe('*');
  });
});
