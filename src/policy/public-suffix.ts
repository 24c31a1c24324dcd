// The Public Suffix List, loaded only when a configuration has `*.` patterns to check. tldts takes tens of
// milliseconds to load, and most configurations list exact origins; createCorsPolicy is synchronous, so
// the list is loaded synchronously (require through node:module's createRequire, found with
// process.getBuiltinModule so that this file imports nothing from Node and still loads on edge runtimes).
import { type PublicSuffixListDomain, registrableDomainWith } from '../spec/origin.js';

let getDomain: PublicSuffixListDomain | null | undefined;

interface NodeModuleApi {
  createRequire(from: string): (id: string) => unknown;
}

/** tldts's getDomain, or null where no synchronous require is available (Workers, browsers). */
function loadPublicSuffixList(): PublicSuffixListDomain | null {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  try {
    const nodeModule = proc?.getBuiltinModule?.('node:module') as NodeModuleApi | undefined;
    if (nodeModule === undefined) return null;
    const tldts = nodeModule.createRequire(import.meta.url)('tldts') as { getDomain: PublicSuffixListDomain };
    return tldts.getDomain;
  } catch {
    return null;
  }
}

/** The registrable domain of `host` by the Public Suffix List; undefined when the list cannot be loaded here. */
export function registrableDomainOf(host: string): string | null | undefined {
  if (getDomain === undefined) getDomain = loadPublicSuffixList();
  return getDomain === null ? undefined : registrableDomainWith(getDomain, host);
}
