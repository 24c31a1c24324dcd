// Why corskit's Vary guard lives on Express's response prototype, and why the node adapter looks each
// method up once, answers preflights with writeHead and keeps no WeakMap entry per response
// (src/adapters/node.ts): the cost of one property store on a response, plain and after Express has
// given it its app's prototype, as Express does for every request; of one lookup on such a response
// after Express's first store on it (each store gives it a map of its own, so lookups miss V8's caches);
// and of ending a 204 by storing statusCode against calling writeHead. Wall time per operation (hrtime
// around it alone), median of 5 rounds.
//
//   npx tsx bench/express-response.bench.ts
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import express from 'express';
import { formatNs, machine, median } from './harness.js';

const appResponse = (express() as unknown as { response: object }).response;
const req = new IncomingMessage(new Socket());

function per(
  reprototype: boolean,
  operation: (res: ServerResponse) => unknown,
  prepare: (res: ServerResponse) => void = () => {},
): number {
  const rounds: number[] = [];
  for (let r = 0; r < 5; r++) {
    const n = 50_000;
    let spent = 0;
    for (let i = 0; i < n; i++) {
      const res = new ServerResponse(req);
      if (reprototype) Object.setPrototypeOf(res, appResponse);
      prepare(res);
      const c0 = process.hrtime.bigint();
      operation(res);
      spent += Number(process.hrtime.bigint() - c0);
    }
    rounds.push(spent / n);
  }
  return median(rounds);
}

// The store the old Vary guard made on every response.
const storeWriteHead = (res: ServerResponse): void => {
  (res as unknown as { writeHead: unknown }).writeHead = per;
};
// How the node adapter ended a preflight before, and how it does now.
const statusThenEnd = (res: ServerResponse): void => {
  res.statusCode = 204;
  res.end();
};
const writeHeadThenEnd = (res: ServerResponse): void => {
  res.writeHead(204);
  res.end();
};
const underExpress = 'after Object.setPrototypeOf(res, app.response), as Express does';
// Untimed before each lookup: Express's first store after the swap (app.handle sets res.locals), then
// the store of node's header record that the first setHeader makes.
const expressStores = (res: ServerResponse): void => {
  (res as unknown as { locals: object }).locals = Object.create(null);
  res.setHeader('Vary', 'Origin');
};
console.log(`\n### One property store on a response (${await machine()})\n`);
console.log(`- plain ServerResponse: ${formatNs(per(false, storeWriteHead))}`);
console.log(`- ${underExpress}: ${formatNs(per(true, storeWriteHead))}`);
console.log(
  '\n### Ending a 204: `res.statusCode = 204; res.end()` against `res.writeHead(204); res.end()`\n',
);
console.log(
  `- plain ServerResponse: ${formatNs(per(false, statusThenEnd))} against ${formatNs(per(false, writeHeadThenEnd))}`,
);
console.log(
  `- ${underExpress}: ${formatNs(per(true, statusThenEnd))} against ${formatNs(per(true, writeHeadThenEnd))}`,
);
console.log(`\n### One lookup on a response after Express's stores (${underExpress}, then two stores)\n`);
const lookups: [string, (res: ServerResponse) => unknown][] = [
  ['`res.getHeader` (the method)', (res) => res.getHeader],
  ['`res.headersSent` (a getter)', (res) => res.headersSent],
  ['`res.statusCode` (own data)', (res) => res.statusCode],
];
for (const [name, lookup] of lookups) {
  const plain = per(false, lookup, expressStores);
  console.log(
    `- ${name}: ${formatNs(per(true, lookup, expressStores))} (plain ServerResponse: ${formatNs(plain)})`,
  );
}
