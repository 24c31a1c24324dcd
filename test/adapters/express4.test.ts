// The same contract on Express 4 (installed as `express4`): the middleware signature is unchanged.
import http from 'node:http';
import type { ErrorRequestHandler } from 'express';
import express4 from 'express4';
import { cors } from '../../src/adapters/express.js';
import { adapterContract, type BuildApp, listen, MAX_HEADER_SIZE } from './contract.js';

const quietErrors: ErrorRequestHandler = (_err, _req, res, _next) => {
  res.status(500).send('failed');
};

const build: BuildApp = (policy, calls) => {
  const app = express4();
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

adapterContract('express 4', build, (c) => cors(c));
