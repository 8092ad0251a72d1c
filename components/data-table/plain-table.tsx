import { flexRender, type Table } from '@tanstack/react-table';

/**
 * A small client-side table (no paging, sorting or CSV): the markup of a react-table instance built by
 * its component — pending changes, a record's documents, Odoo candidates. Lists with server-side
 * paging use `DataTable`.
 */
export function PlainTable<T>({ table, testId }: { table: Table<T>; testId: string }) {
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm" data-testid={testId}>
        <thead>
          {table.getHeaderGroups().map((group) => (
            <tr key={group.id} className="border-b border-slate-200 text-xs text-slate-600">
              {group.headers.map((header) => (
                <th key={header.id} scope="col" className="px-2 py-1.5 font-medium">
                  {flexRender(header.column.columnDef.header, header.getContext())}
                </th>
              ))}
            </tr>
          ))}
        </thead>
        <tbody>
          {table.getRowModel().rows.map((row) => (
            <tr key={row.id} className="border-b border-slate-100 align-top">
              {row.getVisibleCells().map((cell) => (
                <td key={cell.id} className="px-2 py-1.5">
                  {flexRender(cell.column.columnDef.cell, cell.getContext())}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
