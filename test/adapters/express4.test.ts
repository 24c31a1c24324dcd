// The same contract on Express 4 (installed as `express4`): the middleware signature is unchanged.
import express4 from 'express4';
import { cors } from '../../src/adapters/express.js';
import { adapterContract } from './contract.js';
import { buildExpressApp } from './express-app.js';

adapterContract('express 4', buildExpressApp(express4), (c) => cors(c));
