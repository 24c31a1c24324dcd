// The requests of an audit: for each origin, the actual request (GET, with the cookie when one is given)
// and a preflight (OPTIONS), because some servers are only wrong in their OPTIONS handler.
import type { IncomingResponse, OutgoingRequest, Transport } from '../browser/index.js';
import type { HeaderList } from '../spec/index.js';
import type { OriginProbe } from './origins.js';
import { mapPool } from './pool.js';

/** `preflight-method` and `preflight-headers` ask for an odd method or header, to see if it is echoed. */
export type ExchangeKind = 'actual' | 'preflight' | 'preflight-method' | 'preflight-headers';

export interface PlannedRequest {
  readonly kind: ExchangeKind;
  readonly origin: string;
  /** The attacker probe, or null for a trusted origin. */
  readonly probe: OriginProbe | null;
  readonly request: OutgoingRequest;
}

export interface Exchange extends PlannedRequest {
  readonly response: IncomingResponse;
}

export interface ProbeSettings {
  readonly url: string;
  /** Extra request headers (--header), sent on every request. */
  readonly headers: HeaderList;
  /** Whether a cookie goes with actual requests (the transport adds it; preflights never carry it). */
  readonly credentials: boolean;
}

const USER_AGENT: [string, string] = ['User-Agent', 'corskit-audit'];

function withExtras(s: ProbeSettings, own: [string, string][]): [string, string][] {
  const extras = s.headers.map(([n, v]) => [n, v] as [string, string]);
  const hasAgent = extras.some(([n]) => n.toLowerCase() === 'user-agent');
  return [...own, ...extras, ...(hasAgent ? [] : [USER_AGENT])];
}

export function actualRequest(s: ProbeSettings, origin: string, probe: OriginProbe | null): PlannedRequest {
  return {
    kind: 'actual',
    origin,
    probe,
    request: {
      kind: 'request',
      method: 'GET',
      url: s.url,
      headers: withExtras(s, [['Origin', origin]]),
      credentials: s.credentials,
    },
  };
}

export function preflightRequest(
  s: ProbeSettings,
  origin: string,
  probe: OriginProbe | null,
  ask: { readonly method: string; readonly headers?: string; readonly kind?: ExchangeKind } = {
    method: 'PUT',
    headers: 'content-type',
  },
): PlannedRequest {
  const own: [string, string][] = [
    ['Origin', origin],
    ['Access-Control-Request-Method', ask.method],
  ];
  if (ask.headers !== undefined) own.push(['Access-Control-Request-Headers', ask.headers]);
  return {
    kind: ask.kind ?? 'preflight',
    origin,
    probe,
    request: {
      kind: 'preflight',
      method: 'OPTIONS',
      url: s.url,
      headers: withExtras(s, own),
      credentials: false,
    },
  };
}

/** The actual request and the preflight for each origin. */
export function planOrigins(
  s: ProbeSettings,
  items: readonly { readonly origin: string; readonly probe: OriginProbe | null }[],
): PlannedRequest[] {
  return items.flatMap(({ origin, probe }) => [
    actualRequest(s, origin, probe),
    preflightRequest(s, origin, probe),
  ]);
}

export type Sender = (request: OutgoingRequest) => Promise<IncomingResponse>;

/** After this many failures, when most requests failed, the target is given up: no 10 s timeouts in a row. */
const GIVE_UP_AFTER = 10;

/** Wraps a transport: waits for the rate limiter, counts requests and failures, never throws. */
export function makeSender(
  transport: Transport,
  limiter: () => Promise<void>,
  counts: { requests: number; failed: number },
): Sender {
  return async (request) => {
    if (counts.failed >= GIVE_UP_AFTER && counts.failed * 2 > counts.requests) {
      return { networkError: 'ERR_ABORTED', detail: 'not sent: most requests to this target failed' };
    }
    await limiter();
    counts.requests++;
    let response: IncomingResponse;
    try {
      response = await transport(request);
    } catch (err) {
      response = { networkError: 'ERR_FAILED', detail: err instanceof Error ? err.message : String(err) };
    }
    if ('networkError' in response) counts.failed++;
    return response;
  };
}

/** Sends the planned requests, at most `parallel` at once. */
export function sendAll(
  plans: readonly PlannedRequest[],
  send: Sender,
  parallel: number,
): Promise<Exchange[]> {
  return mapPool(plans, parallel, async (plan) => ({ ...plan, response: await send(plan.request) }));
}

// What an answer shows is judged by the rules audit shares with check.
export { type Answer, allowOriginOf, allowsCredentials, answerOf, reflects } from '../doctor/risks.js';
