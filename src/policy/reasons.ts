// The plain words for each decision: shared by policy.explain(), the logger hook and the doctor.
import type { CorsReasonCode } from './config.js';

export interface ReasonDetails {
  readonly origin: string | null;
  /** The kind of request: a denied actual request still ran; a denied preflight stops the browser. */
  readonly kind?: 'not-cors' | 'preflight' | 'actual';
  readonly method?: string;
  readonly header?: string;
  readonly maxNames?: number;
  readonly maxBytes?: number;
  readonly error?: string;
}

const NOT_ACCESS_CONTROL =
  'The request still reached your handler: CORS only hides responses from pages in browsers, it does not stop requests.';

/** One or two sentences: what happened, and what to change if it should be allowed. */
export function reasonMessage(code: CorsReasonCode, d: ReasonDetails): string {
  const o = d.origin ?? '';
  const consequence =
    d.kind === 'preflight' ? 'The browser will not send the actual request.' : NOT_ACCESS_CONTROL;
  switch (code) {
    case 'allowed':
      return `Allowed: ${o} may read this response.`;
    case 'no-origin':
      return 'No Origin header: this is not a cross-origin request from a browser (a same-origin navigation, curl, or a server), so CORS does not apply. CORS is not access control: non-browser clients are never blocked.';
    case 'origin-null':
      return `The origin 'null' is never allowed: sandboxed iframes, data: URLs, file: pages and redirected requests send it, so any site can. ${consequence}`;
    case 'origin-malformed':
      return `The Origin header '${o}' is not an origin a browser sends (scheme://host[:port] in lower case), so it matches nothing. ${consequence}`;
    case 'origin-not-allowed':
      return `The origin ${o} is not in the allowed origins, so the response carries no Access-Control-Allow-Origin${d.kind === 'preflight' ? '' : ' and the browser hides it from the page'}. To allow it, add '${o}' to origins. ${consequence}`;
    case 'origin-insecure-with-credentials':
      return `The origin ${o} is plain http and credentials are allowed: a network attacker could inject script into it and read your users' data, so it is refused. Serve that site over https.`;
    case 'origin-lookup-failed':
      return `The origin lookup for ${o} failed (${d.error ?? 'unknown error'}), so the origin was refused.`;
    case 'method-invalid':
      return `Access-Control-Request-Method '${d.method ?? ''}' is not a method name, so the preflight was refused.`;
    case 'method-not-allowed':
      return `The preflight from ${o} asks for method ${d.method ?? ''}, which is not in methods. To allow it, add '${d.method ?? ''}' to methods (methods are case-sensitive).`;
    case 'request-headers-invalid':
      return `Access-Control-Request-Headers from ${o} is not a comma-separated list of header names, so the preflight was refused.`;
    case 'request-headers-too-large':
      return `Access-Control-Request-Headers from ${o} lists more than ${d.maxNames ?? 0} names or ${d.maxBytes ?? 0} bytes, so it was refused without being read. Raise requestHeadersLimit if your pages really send that many.`;
    case 'header-not-allowed':
      return `The preflight from ${o} asks to send the request header '${d.header ?? ''}', which is not in requestHeaders. To allow it, add '${d.header ?? ''}' to requestHeaders.`;
    case 'authorization-needs-listing':
      return `The preflight from ${o} asks to send Authorization, which '*' never covers (Fetch Standard). To allow it, add 'Authorization' to requestHeaders.`;
    case 'private-network-not-enabled':
      return `The preflight from ${o} asks for private network access, which is off. Set privateNetworkAccess: true if public sites may reach this private server.`;
  }
}
