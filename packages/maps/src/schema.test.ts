import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { documentJsonSchemas, documentSchemas, Order } from './schema.js';

// The JSON Schema files for the systems that consume our documents are generated from the zod
// schemas; this test keeps them in step. Regenerate with EDIGATE_WRITE_SCHEMAS=1 pnpm exec vitest run packages/maps/src/schema.test.ts
const dir = path.resolve(import.meta.dirname, '../schema');

describe('JSON Schema files', () => {
  const schemas = documentJsonSchemas();
  it.each(Object.keys(documentSchemas))('schema/%s.json is generated from the zod schema', (name) => {
    const file = path.join(dir, `${name}.json`);
    const text = `${JSON.stringify(schemas[name as keyof typeof schemas], null, 2)}\n`;
    if (process.env.EDIGATE_WRITE_SCHEMAS === '1' || !existsSync(file)) {
      mkdirSync(dir, { recursive: true });
      writeFileSync(file, text);
    }
    // Compared as data, so formatting the file (prettier) does not matter.
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(JSON.parse(text));
  });
  it('states the conventions: integer minor units, ISO dates, Z timestamps', () => {
    const s = JSON.stringify(schemas.Invoice);
    expect(s).toContain('"amountMinor":{"type":"integer"');
    expect(schemas.Shipment).toMatchObject({
      properties: { shippedAt: { format: 'date-time' }, shipDate: { format: 'date' } },
    });
    expect(Order.safeParse({}).success).toBe(false);
  });
});
