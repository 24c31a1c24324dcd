// What each browser caps Access-Control-Max-Age at, in seconds (Fetch §4.8 leaves the cap to the user
// agent). A module of its own so that the policy's validation can name the caps without loading the
// browser profiles, which only the simulator needs.
export const MAX_AGE_CAPS = { chrome: 7200, firefox: 86_400, safari: 600 } as const;
