// The policy builder's output: the same corskit config wired into each adapter, ready to paste.
import type { CorsPolicyConfig } from '../../policy/index.js';

export interface AdapterCode {
  readonly adapter: 'express' | 'fastify' | 'koa' | 'hono' | 'node' | 'web';
  readonly title: string;
  readonly code: string;
}

const quote = (s: string): string =>
  `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** A JSON value as a JS literal: single quotes, bare keys, trailing commas, short lists on one line. */
export function configLiteral(value: unknown, indent = ''): string {
  if (typeof value === 'string') return quote(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    const items = value.map((v) => configLiteral(v, inner));
    const oneLine = `[${items.join(', ')}]`;
    if (oneLine.length + indent.length <= 72) return oneLine;
    return `[\n${items.map((i) => `${inner}${i},`).join('\n')}\n${indent}]`;
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return '{}';
    const lines = entries.map(
      ([k, v]) => `${inner}${IDENTIFIER.test(k) ? k : quote(k)}: ${configLiteral(v, inner)},`,
    );
    return `{\n${lines.join('\n')}\n${indent}}`;
  }
  return 'undefined';
}

export function adapterCode(config: CorsPolicyConfig): AdapterCode[] {
  const c = configLiteral(config);
  const policy = `const policy = createCorsPolicy(${c});`;
  return [
    {
      adapter: 'express',
      title: 'Express',
      code: `import express from 'express';\nimport { createCorsPolicy } from 'corskit';\nimport { cors } from 'corskit/express';\n\n${policy}\n\nconst app = express();\napp.use(cors(policy)); // before the routes\n`,
    },
    {
      adapter: 'fastify',
      title: 'Fastify',
      code: `import Fastify from 'fastify';\nimport { createCorsPolicy } from 'corskit';\nimport { cors } from 'corskit/fastify';\n\n${policy}\n\nconst app = Fastify();\nawait app.register(cors(policy)); // before the routes\n`,
    },
    {
      adapter: 'koa',
      title: 'Koa',
      code: `import Koa from 'koa';\nimport { createCorsPolicy } from 'corskit';\nimport { cors } from 'corskit/koa';\n\n${policy}\n\nconst app = new Koa();\napp.use(cors(policy)); // first middleware\n`,
    },
    {
      adapter: 'hono',
      title: 'Hono',
      code: `import { Hono } from 'hono';\nimport { createCorsPolicy } from 'corskit';\nimport { cors } from 'corskit/hono';\n\n${policy}\n\nconst app = new Hono();\napp.use('*', cors(policy));\n`,
    },
    {
      adapter: 'node',
      title: 'node:http',
      code: `import { createServer } from 'node:http';\nimport { createCorsPolicy } from 'corskit';\nimport { withCors } from 'corskit/node';\n\n${policy}\n\nconst server = createServer(\n  withCors((req, res) => {\n    res.end('ok');\n  }, policy),\n);\n`,
    },
    {
      adapter: 'web',
      title: 'Fetch API (Workers, Deno, Bun, Next.js)',
      code: `import { createCorsPolicy } from 'corskit';\nimport { withCors } from 'corskit/web';\n\n${policy}\n\nexport default {\n  fetch: withCors((request) => new Response('ok'), policy),\n};\n`,
    },
  ];
}
