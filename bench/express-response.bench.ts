// Why corskit's Vary guard lives on Express's response prototype (src/adapters/node.ts): the cost of one
// property store on a response, plain and after Express has given it its app's prototype, as Express
// does for every request. Wall time per store (hrtime around the store alone), median of 5 rounds.
//
//   npx tsx bench/express-response.bench.ts
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import express from 'express';
import { formatNs, machine, median } from './harness.js';

const appResponse = (express() as unknown as { response: object }).response;
const req = new IncomingMessage(new Socket());

function perStore(reprototype: boolean): number {
  const rounds: number[] = [];
  for (let r = 0; r < 5; r++) {
    const n = 50_000;
    let spent = 0;
    for (let i = 0; i < n; i++) {
      const res = new ServerResponse(req);
      if (reprototype) Object.setPrototypeOf(res, appResponse);
      const c0 = process.hrtime.bigint();
      (res as unknown as { writeHead: unknown }).writeHead = perStore; // the store the old guard made
      spent += Number(process.hrtime.bigint() - c0);
    }
    rounds.push(spent / n);
  }
  return median(rounds);
}

console.log(`\n### One property store on a response (${await machine()})\n`);
console.log(`- plain ServerResponse: ${formatNs(perStore(false))}`);
console.log(`- after Object.setPrototypeOf(res, app.response), as Express does: ${formatNs(perStore(true))}`);
