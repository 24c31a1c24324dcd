// The contract's app for Express, for either major version (the middleware signature is the same).
import http from 'node:http';
import type { ErrorRequestHandler, Express } from 'express';
import { cors } from '../../src/adapters/express.js';
import { type BuildApp, listen, MAX_HEADER_SIZE } from './contract.js';

const quietErrors: ErrorRequestHandler = (_err, _req, res, _next) => {
  res.status(500).send('failed');
};

/** `app.use(cors(...))` before the routes, as the docs show. */
export const buildExpressApp =
  (createApp: () => Express): BuildApp =>
  (policy, calls) => {
    const app = createApp();
    app.use(cors(policy));
    app.use((req, _res, next) => {
      calls.push(`${req.method} ${req.path}`);
      next();
    });
    app.get('/items', (_req, res) => {
      res.set('X-Request-Id', '1').send('items');
    });
    app.get('/vary', (req, res) => {
      res.set('Vary', String(req.query.v)).send('vary');
    });
    app.get('/boom', () => {
      throw new Error('boom');
    });
    app.options('/app-options', (_req, res) => {
      res.send('app-options');
    });
    app.use(quietErrors);
    return listen(http.createServer({ maxHeaderSize: MAX_HEADER_SIZE }, app));
  };
