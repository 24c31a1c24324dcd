// corskit/express: Express 5 (and 4) middleware. Express requests and responses are node:http ones, so
// this is corskit/node's middleware with Express's types. Use it before the routes:
// `app.use(cors(config))`. Headers are set before next(), so Express's error handler keeps them.
import type { RequestHandler } from 'express';
import type { CorsPolicy, CorsPolicyConfig } from '../policy/index.js';
import { cors as nodeCors } from './node.js';

/** Express middleware: answers preflights with an empty response; sets CORS headers on every other
 *  request (OPTIONS included) and passes it on. Config errors throw here, at startup. */
export function cors(policyOrConfig: CorsPolicy | CorsPolicyConfig): RequestHandler {
  return nodeCors(policyOrConfig);
}
