// Look into a slot's database: its tables (rows, size), a page of one table, and a read-only SQL console whose
// results download as CSV. The daemon runs all of it as the slot's role in a READ ONLY transaction.
import { useEffect, useState, type FormEvent } from 'react';
import type { QueryResult } from '../../../src/sdk/schemas.js';
import { api } from '../api.js';
import { bytes } from '../format.js';
import { useAction } from '../notices.js';

const PAGE = 50;
type Table = Awaited<ReturnType<typeof api.tables>>[number];

function toCsv(result: QueryResult): string {
  const cell = (value: unknown) => {
    const text = value === null || value === undefined ? '' : String(value);
    return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return [result.columns, ...result.rows].map((row) => row.map(cell).join(',')).join('\r\n');
}

function download(name: string, text: string): void {
  const link = document.createElement('a');
  link.href = URL.createObjectURL(new Blob([text], { type: 'text/csv' }));
  link.download = name;
  link.click();
  URL.revokeObjectURL(link.href);
}

function ResultTable({ result, caption }: { result: QueryResult; caption: string }) {
  return (
    <div className="result">
      <table>
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {result.columns.map((column, index) => (
              <th key={index} scope="col">
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {result.rows.map((row, index) => (
            <tr key={index}>
              {row.map((value, column) => (
                <td key={column}>{value === null ? <span className="muted">null</span> : String(value)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {result.truncated && <p className="warn">Only the first {result.rows.length} rows are shown.</p>}
    </div>
  );
}

export function DatabaseBrowser({ slot }: { slot: string }) {
  const [tables, setTables] = useState<Table[] | null>(null);
  const [open, setOpen] = useState<{ table: Table; offset: number; result: QueryResult } | null>(null);
  const [sql, setSql] = useState('SELECT * FROM pg_tables WHERE schemaname = current_schema()');
  const [result, setResult] = useState<QueryResult | null>(null);
  const { busy, run } = useAction();
  useEffect(() => {
    api.tables(slot).then(setTables, () => setTables([]));
  }, [slot]);

  const page = (table: Table, offset: number) => run(async () => setOpen({ table, offset, result: await api.tableRows(slot, table, offset, PAGE) }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => setResult(await api.query(slot, sql)));
  };
  return (
    <section className="browser" aria-label="Database browser">
      <h2>Tables</h2>
      {!tables ? (
        <p aria-busy="true">Loading tables…</p>
      ) : tables.length === 0 ? (
        <p className="muted">No tables yet.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Table</th>
              <th scope="col">Rows</th>
              <th scope="col">Size</th>
            </tr>
          </thead>
          <tbody>
            {tables.map((table) => (
              <tr key={`${table.schema}.${table.name}`}>
                <td>
                  <button type="button" className="ghost" onClick={() => void page(table, 0)}>
                    {table.schema === 'public' ? table.name : `${table.schema}.${table.name}`}
                  </button>
                </td>
                <td>{table.rows}</td>
                <td>{bytes(table.sizeBytes)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {open && (
        <div className="table-page">
          <div className="row">
            <h3>{open.table.name}</h3>
            <span className="muted">
              rows {open.offset + 1}–{open.offset + open.result.rows.length} of {open.table.rows}
            </span>
            <button type="button" disabled={busy || open.offset === 0} onClick={() => void page(open.table, Math.max(0, open.offset - PAGE))}>
              Previous
            </button>
            <button type="button" disabled={busy || open.offset + PAGE >= open.table.rows} onClick={() => void page(open.table, open.offset + PAGE)}>
              Next
            </button>
          </div>
          <ResultTable result={open.result} caption={`Rows of ${open.table.name}`} />
        </div>
      )}

      <h2>SQL console</h2>
      <p className="muted">One statement, read-only, at most 5 s and 1000 rows, as role of slot {slot}.</p>
      <form className="stack" onSubmit={submit}>
        <label htmlFor="sql">Statement</label>
        <textarea id="sql" rows={4} value={sql} onChange={(event) => setSql(event.target.value)} spellCheck={false} />
        <div className="row">
          <button type="submit" className="primary" disabled={busy || !sql.trim()}>
            Run
          </button>
          {result && (
            <button type="button" onClick={() => download(`slot-${slot}-query.csv`, toCsv(result))}>
              Download CSV
            </button>
          )}
        </div>
      </form>
      {result && <ResultTable result={result} caption="Query result" />}
    </section>
  );
}
