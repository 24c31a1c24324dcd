// The policy builder's output: the same corskit config wired into each adapter, ready to paste.
import type { CorsPolicyConfig } from '../../policy/index.js';

export interface AdapterCode {
  readonly adapter: 'express' | 'fastify' | 'koa' | 'hono' | 'node' | 'web';
  readonly title: string;
  readonly code: string;
}

/** The config as a JS object literal (JSON with single-quoted strings and bare keys). */
export function configLiteral(config: CorsPolicyConfig, indent = ''): string {
  const json = JSON.stringify(config, null, 2) ?? '{}';
  return json
    .split('\n')
    .map((line, i) => (i === 0 ? line : indent + line))
    .join('\n')
    .replace(/"([A-Za-z_$][\w$]*)":/g, '$1:')
    .replace(/"((?:[^"\\]|\\.)*)"/g, (_m, s: string) => `'${s.replace(/\\"/g, '"').replace(/'/g, "\\'")}'`);
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
