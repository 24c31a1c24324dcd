// The CORS-preflight cache: Fetch §4.8 "CORS-preflight cache". The standard keeps one entry per method
// and per header name; Chromium keeps one record per (origin, URL) that each preflight replaces whole,
// with a bounded number of records. The model and the bound are profile data.
import { BROWSER_PROFILES, type BrowserProfile } from './browsers.js';
import { isCorsNonWildcardRequestHeaderName } from './headers.js';
import type { PreflightCacheLookup } from './preflight.js';
import type { CredentialsMode } from './request.js';
import { asciiLowerCase } from './tokens.js';

/** Identifies the request a cache is asked about (Fetch §4.8 "cache entry match"). */
export interface PreflightCacheKey {
  /** The network partition key (top-level site); '' when partitioning does not matter. */
  readonly partitionKey?: string;
  /** The request's serialized origin. */
  readonly origin: string;
  /** The request's current URL. */
  readonly url: string;
  readonly credentials: CredentialsMode;
}

interface Entry {
  readonly credentials: boolean;
  readonly expires: number;
  /** A method, or a lowercased header name. */
  readonly value: string;
}

interface Record {
  readonly credentials: boolean;
  readonly expires: number;
  readonly methods: readonly string[];
  readonly headerNames: readonly string[];
}

function keyOf(k: PreflightCacheKey): string {
  return `${k.partitionKey ?? ''}\n${k.origin}\n${k.url}`;
}

/**
 * The preflight cache of one browser (or tab). Time is passed in milliseconds so the cache stays pure;
 * `now` defaults to `Date.now()`.
 */
export class CorsPreflightCache {
  readonly #profile: BrowserProfile;
  readonly #methods = new Map<string, Entry[]>();
  readonly #headers = new Map<string, Entry[]>();
  /** Chromium's model: one record per key; a Map keeps insertion order for eviction. */
  readonly #records = new Map<string, Record>();

  constructor(profile: BrowserProfile = BROWSER_PROFILES.spec) {
    this.#profile = profile;
  }

  /** The number of live entries (records for the per-origin-URL model). */
  size(now: number = Date.now()): number {
    if (this.#profile.preflightCache.model === 'per-origin-url') {
      let n = 0;
      for (const r of this.#records.values()) if (r.expires > now) n++;
      return n;
    }
    let n = 0;
    for (const list of [...this.#methods.values(), ...this.#headers.values()]) {
      for (const e of list) if (e.expires > now) n++;
    }
    return n;
  }

  /** Whether a stored `*` acts as a wildcard: never for a credentialed request; the rest is profile data. */
  #wildcardUsable(entryCredentials: boolean, mode: CredentialsMode): boolean {
    if (mode === 'include') return false;
    switch (this.#profile.preflightCache.wildcards) {
      case 'standard':
        return true;
      case 'uncredentialed-only':
        return !entryCredentials;
      case 'literal':
        return false;
    }
  }

  /** A credentialed request matches only credentialed entries; others match both (Fetch §4.8), unless the
   *  profile keys entries by credentials. */
  #credentialsMatch(entryCredentials: boolean, mode: CredentialsMode): boolean {
    if (mode === 'include') return entryCredentials;
    return !entryCredentials || this.#profile.preflightCache.credentialedServesUncredentialed;
  }

  /** Fetch §4.8 "method cache entry match". `*` matches only requests without credentials. */
  methodMatch(key: PreflightCacheKey, method: string, now: number = Date.now()): boolean {
    const k = keyOf(key);
    if (this.#profile.preflightCache.model === 'per-origin-url') {
      const r = this.#records.get(k);
      if (r === undefined || r.expires <= now || !this.#credentialsMatch(r.credentials, key.credentials))
        return false;
      return (
        r.methods.includes(method) ||
        (this.#wildcardUsable(r.credentials, key.credentials) && r.methods.includes('*'))
      );
    }
    for (const e of this.#methods.get(k) ?? []) {
      if (e.expires <= now || !this.#credentialsMatch(e.credentials, key.credentials)) continue;
      if (e.value === method || (e.value === '*' && this.#wildcardUsable(e.credentials, key.credentials)))
        return true;
    }
    return false;
  }

  /** Fetch §4.8 "header-name cache entry match": case-insensitive; a cached `*` never covers
   *  Authorization (even where a preflight's `*` lets it through: Chromium's cache lookup runs in
   *  non-wildcard mode, so such requests are preflighted again), and never with credentials. */
  headerNameMatch(key: PreflightCacheKey, name: string, now: number = Date.now()): boolean {
    const k = keyOf(key);
    const lower = asciiLowerCase(name);
    const starCovers =
      this.#profile.preflightCache.wildcardCoversAuthorization || !isCorsNonWildcardRequestHeaderName(lower);
    if (this.#profile.preflightCache.model === 'per-origin-url') {
      const r = this.#records.get(k);
      if (r === undefined || r.expires <= now || !this.#credentialsMatch(r.credentials, key.credentials))
        return false;
      if (r.headerNames.includes(lower)) return true;
      return (
        starCovers && this.#wildcardUsable(r.credentials, key.credentials) && r.headerNames.includes('*')
      );
    }
    for (const e of this.#headers.get(k) ?? []) {
      if (e.expires <= now || !this.#credentialsMatch(e.credentials, key.credentials)) continue;
      if (e.value === lower) return true;
      if (e.value === '*' && starCovers && this.#wildcardUsable(e.credentials, key.credentials)) return true;
    }
    return false;
  }

  /** A lookup bound to one request, for `isCorsPreflightNeeded` and `planFetch`. */
  lookup(key: PreflightCacheKey, now: number = Date.now()): PreflightCacheLookup {
    return {
      methodMatch: (method) => this.methodMatch(key, method, now),
      headerNameMatch: (name) => this.headerNameMatch(key, name, now),
    };
  }

  /**
   * Fetch §4.9 step 7.11-7.13: stores a successful preflight's methods and header names for `maxAge`
   * seconds (already capped by the profile). Existing entries for the same method or name get the new
   * max-age; under the per-origin-URL model the record is replaced whole.
   */
  store(
    key: PreflightCacheKey,
    maxAge: number,
    methods: readonly string[],
    headerNames: readonly string[],
    now: number = Date.now(),
  ): void {
    if (maxAge <= 0) return;
    const k = keyOf(key);
    const credentials = key.credentials === 'include';
    const expires = now + maxAge * 1000;
    const lowerNames = headerNames.map(asciiLowerCase);
    if (this.#profile.preflightCache.model === 'per-origin-url') {
      this.#records.delete(k);
      // Chromium purges a batch when full (it picks them at random; we take the oldest, deterministically).
      const max = this.#profile.preflightCache.maxEntries;
      if (max !== null && this.#records.size >= max) {
        let purge = this.#profile.preflightCache.purgeBatch;
        for (const oldest of this.#records.keys()) {
          if (purge-- <= 0) break;
          this.#records.delete(oldest);
        }
      }
      this.#records.set(k, { credentials, expires, methods: [...methods], headerNames: lowerNames });
      return;
    }
    this.#storeEntries(this.#methods, k, methods, credentials, expires);
    this.#storeEntries(this.#headers, k, lowerNames, credentials, expires);
    this.#evict();
  }

  #storeEntries(
    map: Map<string, Entry[]>,
    k: string,
    values: readonly string[],
    credentials: boolean,
    expires: number,
  ): void {
    const list = map.get(k) ?? [];
    for (const value of values) {
      const i = list.findIndex((e) => e.value === value && e.credentials === credentials);
      if (i !== -1) list.splice(i, 1);
      list.push({ value, credentials, expires });
    }
    map.set(k, list);
  }

  #evict(): void {
    const max = this.#profile.preflightCache.maxEntries;
    if (max === null) return;
    let total = 0;
    for (const list of [...this.#methods.values(), ...this.#headers.values()]) total += list.length;
    for (const map of [this.#methods, this.#headers]) {
      for (const [k, list] of map) {
        while (total > max && list.length > 0) {
          list.shift();
          total--;
        }
        if (list.length === 0) map.delete(k);
      }
    }
  }

  /** Fetch §4.8 "clear cache entries": drops everything stored for the request's origin and URL. */
  clear(key: PreflightCacheKey): void {
    const k = keyOf(key);
    this.#methods.delete(k);
    this.#headers.delete(k);
    this.#records.delete(k);
  }
}
