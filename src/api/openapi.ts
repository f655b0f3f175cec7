// The OpenAPI 3.1 document of the admin API, generated from the same route declarations (and zod schemas) that
// validate requests and responses.
import { z } from 'zod';
import { apiErrorSchema } from '../sdk/schemas.js';
import type { RouteRegistry } from './route.js';

type JsonSchema = Record<string, unknown>;

const toSchema = (schema: z.ZodType, io: 'input' | 'output'): JsonSchema => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
};

function parametersOf(schema: z.ZodType | undefined, where: 'path' | 'query'): JsonSchema[] {
  if (!schema) return [];
  const json = toSchema(schema, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || (json.required ?? []).includes(name),
    schema: property,
    ...(property.description ? { description: property.description } : {}),
  }));
}

const ERROR_STATUSES: Record<string, string> = {
  '400': 'The request is not valid (details.problems names each field).',
  '401': 'No valid session, CLI token or API token.',
  '403': 'The caller may not do this, or a cross-origin request.',
  '404': 'No such slot, deployment, release or token.',
};

export function buildOpenApi(registry: RouteRegistry, version: string): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const spec of registry.specs()) {
    const path = spec.url.replace(/:([A-Za-z]+)/g, '{$1}');
    const errorResponses = Object.fromEntries(
      Object.entries(ERROR_STATUSES)
        .filter(([status]) => spec.access !== 'public' || status === '400')
        .map(([status, description]) => [status, { description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } }]),
    );
    const content: Record<string, JsonSchema> = { 'application/json': { schema: toSchema(spec.response, 'output') } };
    if (spec.alsoProduces) content[spec.alsoProduces] = { schema: { type: 'string' } };
    paths[path] ??= {};
    paths[path][spec.method.toLowerCase()] = {
      tags: [spec.tag],
      summary: spec.summary,
      operationId: `${spec.method.toLowerCase()}${path.replace(/[{}]/g, '').replace(/(^|[/_-])(\w)/g, (_m, _sep, char: string) => char.toUpperCase())}`,
      'x-berth-access': spec.access,
      security: spec.access === 'public' ? [] : [{ session: [] }, { bearer: [] }],
      parameters: [...parametersOf(spec.params, 'path'), ...parametersOf(spec.query, 'query')],
      ...(spec.body ? { requestBody: { required: true, content: { 'application/json': { schema: toSchema(spec.body, 'input') } } } } : {}),
      responses: { [String(spec.status ?? 200)]: { description: 'Success', content }, ...errorResponses },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'berth admin API',
      version,
      description: 'Every route the admin UI and the CLI use. Roles: read < deploy < manage < admin; a token limited to some slots may act only on those.',
    },
    servers: [{ url: '/' }],
    components: {
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: 'berth_session' },
        bearer: { type: 'http', scheme: 'bearer', description: 'The CLI token (BERTH_HOME/secrets/cli-token) or an API token (berth_…).' },
      },
      schemas: { Error: toSchema(apiErrorSchema, 'output') },
    },
    paths,
  };
}
