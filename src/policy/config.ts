// The configuration a user writes, and the normalized form corskit works from.

/** Looks up origins kept elsewhere (a tenants table). Its answer may depend on the request only
 *  through the headers named in `dependsOn`, which corskit adds to Vary. */
export interface OriginLookup {
  /** Called with the request's canonical Origin when no configured origin matches. Errors deny. */
  readonly lookup: (origin: string, request: CorsRequest) => boolean | Promise<boolean>;
  /** The request headers the answer depends on besides Origin (e.g. ['Host'] for per-host tenants); [] for none. */
  readonly dependsOn: readonly string[];
}

/** The configuration of `createCorsPolicy` (every option is described in docs/policy.md). */
export interface CorsPolicyConfig {
  /**
   * Who may read responses: exact origins (`https://app.example.com`), every subdomain at any depth
   * (`https://*.example.com`), any port of a host (`http://localhost:*`), or `'*'` for a public
   * resource read without credentials.
   */
  readonly origins: '*' | readonly string[];
  /** Allow cookies and HTTP authentication (Access-Control-Allow-Credentials: true). Default false. */
  readonly credentials?: boolean;
  /** Methods beyond GET, HEAD and POST (which need no listing), or '*' for any. Case-sensitive. */
  readonly methods?: '*' | readonly string[];
  /** Request headers pages may send, or '*' for any but Authorization (which must be listed). */
  readonly requestHeaders?: '*' | readonly string[];
  /** Response headers beyond the safelisted ones that pages may read, or '*' (only without credentials). */
  readonly exposedHeaders?: '*' | readonly string[];
  /** Seconds browsers may cache a preflight (Access-Control-Max-Age), 0 to 86400. Omitted: browsers use 5. */
  readonly maxAge?: number;
  /** Status of a successful preflight: 204 (default), or 200 for old clients that reject 204. */
  readonly preflightStatus?: 200 | 204;
  /** Answer Private Network Access preflights (legacy Chrome; off by default). */
  readonly privateNetworkAccess?: boolean;
  /** Add Vary: Access-Control-Request-Method, -Headers (and -Private-Network) to preflight responses,
   *  for CDNs configured to cache OPTIONS. Default false. */
  readonly varyPreflight?: boolean;
  /** Origins kept outside the config, e.g. per-tenant, consulted after the configured origins. */
  readonly originLookup?: OriginLookup;
  /** Allow http:// origins other than loopback with credentials: a network attacker can inject script
   *  into them and read your users' data. Default false. */
  readonly dangerouslyAllowInsecureOriginsWithCredentials?: boolean;
  /** Allow `*.` over a public suffix such as `*.github.io` or `*.co.uk`, where anyone can register a
   *  subdomain. Default false. */
  readonly dangerouslyAllowWildcardOverPublicSuffix?: boolean;
  /** Largest Access-Control-Request-Headers accepted: names and bytes. Defaults 64 and 4096. */
  readonly requestHeadersLimit?: { readonly maxNames?: number; readonly maxBytes?: number };
  /** Called with the explanation of every denied request. */
  readonly onDenied?: (explanation: CorsExplanation) => void;
}

/** Anything that can give a request header by (case-insensitive) name. */
export type HeaderSource =
  | {
      /** One header by name, as `Headers.get` reads it. */
      get(name: string): string | null;
    }
  | Readonly<Record<string, string | readonly string[] | undefined>>;

/** The request facts a policy reads. */
export interface CorsRequest {
  readonly method: string;
  readonly headers: HeaderSource;
}

/** How the policy sees a request: a preflight, a CORS request, or a request without Origin. */
export type CorsRequestKind = 'not-cors' | 'preflight' | 'actual';

/** Why a request was denied, or `allowed`. The words are in `reasons.ts`. */
export type CorsReasonCode =
  | 'allowed'
  | 'no-origin'
  | 'origin-null'
  | 'origin-malformed'
  | 'origin-not-allowed'
  | 'origin-insecure-with-credentials'
  | 'origin-lookup-failed'
  | 'method-invalid'
  | 'method-not-allowed'
  | 'request-headers-invalid'
  | 'request-headers-too-large'
  | 'header-not-allowed'
  | 'authorization-needs-listing'
  | 'private-network-not-enabled';

/** What the policy decided: the headers to write, and whether the adapter answers a preflight itself. */
export interface CorsDecision {
  readonly kind: CorsRequestKind;
  readonly allowed: boolean;
  /** For a preflight: the status to answer with (the application is not called). Null otherwise. */
  readonly status: number | null;
  /** CORS response headers to set (never Vary). Frozen: the list and its shared pairs cannot be changed. */
  readonly headers: ReadonlyArray<readonly [string, string]>;
  /** Tokens to append to the response's Vary header (append, never overwrite). */
  readonly vary: readonly string[];
  readonly reason: CorsReasonCode;
}

/** A decision in words: what the policy answered and why, and how to change it. */
export interface CorsExplanation {
  readonly kind: CorsRequestKind;
  readonly allowed: boolean;
  readonly reason: CorsReasonCode;
  /** One or two sentences in plain words: what happened and what to change. */
  readonly message: string;
  readonly origin: string | null;
  readonly method: string;
  /** For preflights: the requested method and header names. */
  readonly requestedMethod?: string;
  readonly requestedHeaders?: readonly string[];
  /** The offending header name, when one was refused. */
  readonly header?: string;
}

/** The configuration after validation, as `policy.describe()` returns it. */
export interface NormalizedCorsConfig {
  readonly origins: '*' | readonly string[];
  readonly credentials: boolean;
  readonly methods: '*' | readonly string[];
  readonly requestHeaders: '*' | readonly string[];
  readonly exposedHeaders: '*' | readonly string[];
  readonly maxAge: number | null;
  readonly preflightStatus: 200 | 204;
  readonly privateNetworkAccess: boolean;
  readonly varyPreflight: boolean;
  readonly originLookup: { readonly dependsOn: readonly string[] } | null;
  readonly dangerouslyAllowInsecureOriginsWithCredentials: boolean;
  readonly dangerouslyAllowWildcardOverPublicSuffix: boolean;
  readonly requestHeadersLimit: { readonly maxNames: number; readonly maxBytes: number };
  readonly warnings: readonly ConfigWarning[];
}

/** A mistake in a config: where (`path`), what, and the fix. */
export interface ConfigProblem {
  /** Where in the config: `origins[2]`, `maxAge`. */
  readonly path: string;
  readonly message: string;
  readonly fix: string;
}

/** Something in a config that works but is likely not meant (a duplicate, an entry a wildcard covers). */
export interface ConfigWarning {
  readonly path: string;
  readonly message: string;
}
