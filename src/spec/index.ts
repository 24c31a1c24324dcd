// corskit/spec: the CORS rules of the Fetch and HTML standards, as pure functions.
export * from './browsers.js';
export * from './cache.js';
export * from './check.js';
export * from './errors.js';
export * from './headers.js';
export * from './methods.js';
export * from './origin.js';
export * from './origin-comparison.js';
export * from './preflight.js';
export * from './redirect.js';
export * from './request.js';
export * from './site.js';
export {
  asciiCaseInsensitiveEquals,
  asciiLowerCase,
  asciiUpperCase,
  isHttpTabOrSpace,
  isHttpWhitespace,
  isToken,
} from './tokens.js';
