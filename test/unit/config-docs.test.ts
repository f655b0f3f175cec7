import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { z } from 'zod';
import { configSchema } from '../../src/config/schema.js';

test('docs/config.md describes every setting of the config schema', () => {
  const docs = fs.readFileSync(path.resolve(import.meta.dirname, '..', '..', 'docs', 'config.md'), 'utf8');
  const schema = z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) as { properties: Record<string, { properties?: Record<string, unknown>; items?: { properties?: Record<string, unknown> } }> };
  for (const [key, node] of Object.entries(schema.properties)) {
    const nested = node.properties ?? node.items?.properties;
    const names = nested && key !== 'slots' ? Object.keys(nested).map((child) => `${key}.${child}`) : [key];
    for (const name of names) assert.ok(docs.includes(`\`${name}\``), `docs/config.md lacks \`${name}\``);
  }
});
