// The browsable API reference, read from /api/v1/openapi.json (generated from the same schemas the daemon checks).
import { useEffect, useState } from 'react';
import { api } from '../api.js';

interface Operation {
  summary: string;
  tags: string[];
  'x-berth-access': string;
  parameters?: Array<{ name: string; in: string; required: boolean }>;
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
}

export function ApiPage() {
  const [doc, setDoc] = useState<{ paths: Record<string, Record<string, Operation>> } | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    document.title = 'API · berth';
    api.openapi().then((value) => setDoc(value as never), (caught: Error) => setError(caught.message));
  }, []);
  if (error) return <p role="alert">Could not load the API document: {error}</p>;
  if (!doc) return <p aria-busy="true">Loading the API document…</p>;
  const operations = Object.entries(doc.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, operation]) => ({ path, method, operation })));
  const tags = [...new Set(operations.map((entry) => entry.operation.tags[0]))];
  return (
    <section className="panel api-doc">
      <h1>API</h1>
      <p>
        Every route the UI and the CLI use. Machine-readable: <a href="/api/v1/openapi.json">/api/v1/openapi.json</a> (OpenAPI 3.1). Live updates: a WebSocket at <code>/api/v1/live</code>.
      </p>
      {tags.map((tag) => (
        <section key={tag}>
          <h2>{tag}</h2>
          {operations
            .filter((entry) => entry.operation.tags[0] === tag)
            .map(({ path, method, operation }) => (
              <details key={`${method} ${path}`} className="operation">
                <summary>
                  <span className={`method method-${method}`}>{method.toUpperCase()}</span> <code>{path}</code> <span>{operation.summary}</span> <span className="muted">({operation['x-berth-access']})</span>
                </summary>
                {operation.parameters && operation.parameters.length > 0 && (
                  <p>
                    Parameters: {operation.parameters.map((parameter) => `${parameter.name} (${parameter.in}${parameter.required ? ', required' : ''})`).join(', ')}
                  </p>
                )}
                {operation.requestBody && (
                  <>
                    <h3>Request body</h3>
                    <pre>{JSON.stringify(operation.requestBody.content['application/json']?.schema, null, 2)}</pre>
                  </>
                )}
                <h3>Answer</h3>
                <pre>{JSON.stringify(Object.values(operation.responses)[0]?.content?.['application/json']?.schema, null, 2)}</pre>
              </details>
            ))}
        </section>
      ))}
    </section>
  );
}
