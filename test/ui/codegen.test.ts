// The policy builder's code: the config literal reads back as the same config, and each adapter's
// snippet imports the entry point the package exports.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { adapterCode, configLiteral } from '../../src/ui/server/codegen.js';
import { ROOT } from './harness.js';

const exportsMap = JSON.parse(readFileSync(`${ROOT}/package.json`, 'utf8')).exports as Record<
  string,
  unknown
>;

describe('policy builder code', () => {
  it('writes a config literal that evaluates back to the config', () => {
    const configs = [
      { origins: ['https://app.example.com', 'http://localhost:*'], credentials: true, maxAge: 600 },
      { origins: '*', methods: '*', exposedHeaders: ['X-Total-Count'] },
      { origins: ["https://o'brien.example"], requestHeaders: ['Content-Type', 'X-A\\B'] },
      {
        origins: Array.from({ length: 8 }, (_, i) => `https://app${i}.example.com`),
        requestHeadersLimit: { maxNames: 8 },
      },
    ];
    for (const config of configs) {
      const literal = configLiteral(config);
      expect(new Function(`return ${literal};`)()).toEqual(config);
    }
    expect(configLiteral({ origins: ['https://a.example'] })).toBe("{\n  origins: ['https://a.example'],\n}");
  });

  it('wires the config into every adapter through its package entry point', () => {
    const code = adapterCode({ origins: ['https://app.example.com'] });
    expect(code.map((c) => c.adapter)).toEqual(['express', 'fastify', 'koa', 'hono', 'node', 'web']);
    for (const c of code) {
      expect(c.code).toContain(`from 'corskit/${c.adapter}'`);
      expect(exportsMap[`./${c.adapter}`], c.adapter).toBeDefined();
      expect(c.code).toContain("origins: ['https://app.example.com'],");
    }
  });
});
