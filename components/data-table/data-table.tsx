'use client';

import { keepPreviousData, useQuery, useQueryClient, type UseQueryOptions } from '@tanstack/react-query';
import {
  flexRender,
  getCoreRowModel,
  useReactTable,
  type ColumnDef,
  type RowData,
  type SortingState,
} from '@tanstack/react-table';
import Link from 'next/link';
import { parseAsInteger, parseAsString, useQueryStates } from 'nuqs';
import {
  useEffect,
  useMemo,
  useRef,
  useState,
  useSyncExternalStore,
  type CSSProperties,
  type ReactNode,
} from 'react';
import type { ListInput, ListResult } from '@/server/lib/list';
import { Button } from '@/components/ui/button';
import { Alert } from '@/components/ui/feedback';
import { errorMessage } from '@/components/trpc/react';
import { useCurrentUserId } from '@/components/shell/current-user';
import { columnPrefsKey, parseHidden, readHiddenText, subscribeHidden, writeHidden } from './column-prefs';
import { downloadCsv, moneyAsNumbers, toCsv } from './csv';

declare module '@tanstack/react-table' {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  interface ColumnMeta<TData extends RowData, TValue> {
    /** The text shown in the cell and written to the CSV: one formatter, so the two never differ. */
    format?: (row: TData) => string;
    filter?: 'text' | { value: string; label: string }[];
    align?: 'right';
    exclude?: 'csv';
  }
}

/** A list may carry totals rows (e.g. one per currency): shown under the rows and written to the CSV. */
export type ListResultWithTotals<T> = ListResult<T> & { totalsRows?: T[] };

// The error and key types differ per procedure; the table only needs the data shape.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type ListQueryOptions<T> = UseQueryOptions<ListResultWithTotals<T>, any, ListResultWithTotals<T>, any>;

export type DataTableProps<T> = {
  columns: ColumnDef<T>[];
  /** e.g. `(input) => trpc.users.list.queryOptions(input)` */
  query: (input: ListInput) => ListQueryOptions<T>;
  csvFileName: string;
  rowHref?: (row: T) => string;
  searchPlaceholder?: string;
  initialSort?: { id: string; desc: boolean };
  initialFilters?: Record<string, string>;
  toolbar?: ReactNode;
  emptyMessage?: string;
  pageSize?: number;
  rowClassName?: (row: T) => string;
  /** Prefix of this table's URL parameters, when a page has more than one table. */
  urlPrefix?: string;
  /** Names the table for the column chooser's memory (per user); the CSV file name by default. */
  tableId?: string;
  /** How many leading columns stay in view while the table scrolls sideways (1 by default). */
  frozenColumns?: 1 | 2;
};

const columnIdOf = <T,>(column: ColumnDef<T>) =>
  column.id ?? ('accessorKey' in column && typeof column.accessorKey === 'string' ? column.accessorKey : '');
const sortText = (sort?: { id: string; desc: boolean }) =>
  sort ? `${sort.id}.${sort.desc ? 'desc' : 'asc'}` : '';
function parseSort(text: string): SortingState {
  const match = /^(.+)\.(asc|desc)$/.exec(text);
  return match ? [{ id: match[1]!, desc: match[2] === 'desc' }] : [];
}

/** The one table of the app: server-side paging, sorting and filtering, and CSV of the filtered rows. */
export function DataTable<T>(props: DataTableProps<T>) {
  const queryClient = useQueryClient();
  const [exportError, setExportError] = useState<string | null>(null);
  const [exporting, setExporting] = useState(false);

  // Column chooser: the hidden columns, remembered per user and table in this browser. The server
  // render shows every column; the browser applies the choice as it hydrates.
  const userId = useCurrentUserId();
  const prefsKey = userId ? columnPrefsKey(userId, props.tableId ?? props.csvFileName) : null;
  const hiddenText = useSyncExternalStore(
    subscribeHidden,
    () => readHiddenText(prefsKey),
    () => '',
  );
  const hidden = useMemo(() => parseHidden(hiddenText), [hiddenText]);
  const columnVisibility = useMemo(() => Object.fromEntries(hidden.map((id) => [id, false])), [hidden]);
  const frozen = props.frozenColumns ?? 1;
  // the second frozen column sits right of the first: its offset is the first column's width
  const firstHeader = useRef<HTMLTableCellElement>(null);
  const [firstWidth, setFirstWidth] = useState(0);
  useEffect(() => {
    const th = firstHeader.current;
    if (frozen < 2 || !th || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => setFirstWidth(th.offsetWidth));
    observer.observe(th);
    return () => observer.disconnect();
  }, [frozen]);
  const frozenCell = (index: number, background: string): { className: string; style?: CSSProperties } =>
    index === 0
      ? { className: `sticky left-0 z-10 ${background}` }
      : index === 1 && frozen === 2
        ? { className: `sticky z-10 ${background} border-r border-slate-200`, style: { left: firstWidth } }
        : { className: '' };

  // Page, page size, sort, search and every filter live in the URL (nuqs): a reload, Back, or a
  // shared link shows the same rows. Typing is debounced before it reaches the URL.
  const filterIds = props.columns
    .filter((column) => column.meta?.filter)
    .map(columnIdOf)
    .join(',');
  const { parsers, urlKeys } = useMemo(() => {
    const ids = filterIds ? filterIds.split(',') : [];
    const parsers = {
      page: parseAsInteger.withDefault(1),
      size: parseAsInteger.withDefault(props.pageSize ?? 25),
      sort: parseAsString.withDefault(sortText(props.initialSort)),
      q: parseAsString.withDefault(''),
      ...Object.fromEntries(
        ids.map((id) => [`f:${id}`, parseAsString.withDefault(props.initialFilters?.[id] ?? '')]),
      ),
    };
    const prefix = props.urlPrefix ?? '';
    const urlKeys = Object.fromEntries(
      Object.keys(parsers).map((key) => [key, `${prefix}${key.startsWith('f:') ? key.slice(2) : key}`]),
    );
    return { parsers, urlKeys };
    // the initial values are constants of each page
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [filterIds, props.urlPrefix]);
  const [url, setUrl] = useQueryStates(parsers, { urlKeys, history: 'replace', scroll: false });
  const page = Math.max(0, (url.page as number) - 1);
  const pageSize = url.size as number;
  const sorting = useMemo(() => parseSort(url.sort as string), [url.sort]);
  const urlFilters = useMemo(
    () =>
      Object.fromEntries(
        Object.entries(url)
          .filter(([key]) => key.startsWith('f:'))
          .map(([key, value]) => [key.slice(2), value as string]),
      ),
    [url],
  );
  const setPage = (next: number | ((current: number) => number)) =>
    void setUrl({ page: (typeof next === 'function' ? next(page) : next) + 1 }, { history: 'push' });
  const setPageSize = (size: number) => void setUrl({ size, page: 1 });
  const setSorting = (updater: SortingState | ((current: SortingState) => SortingState)) => {
    const next = typeof updater === 'function' ? updater(sorting) : updater;
    void setUrl(
      { sort: next[0] ? sortText({ id: next[0].id, desc: next[0].desc }) : '', page: 1 },
      { history: 'push' },
    );
  };

  // what is typed, ahead of the URL by the debounce; follows the URL when it changes from outside (Back)
  const [draft, setDraft] = useState({ filters: urlFilters, search: url.q as string });
  const written = useRef(JSON.stringify({ filters: urlFilters, search: url.q }));
  useEffect(() => {
    const now = JSON.stringify({ filters: urlFilters, search: url.q });
    if (now !== written.current) {
      written.current = now;
      setDraft({ filters: urlFilters, search: url.q as string });
    }
  }, [urlFilters, url.q]);
  const pendingWrite = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => {
    const next = JSON.stringify(draft);
    if (next === written.current) return;
    const timer = setTimeout(() => {
      pendingWrite.current = null;
      written.current = next;
      void setUrl({
        q: draft.search,
        page: 1,
        ...Object.fromEntries(Object.entries(draft.filters).map(([id, value]) => [`f:${id}`, value])),
      });
    }, 250);
    pendingWrite.current = timer;
    return () => clearTimeout(timer);
  }, [draft, setUrl]);
  // A URL write (history.replaceState) while the App Router is navigating makes Next restore the
  // current page and discard that navigation: typing a search and opening a row within the debounce
  // would leave the person on the list. Leaving the page (a link to another path, or unloading it)
  // therefore drops the write still waiting for its debounce.
  useEffect(() => {
    const cancel = () => {
      if (pendingWrite.current) clearTimeout(pendingWrite.current);
      pendingWrite.current = null;
    };
    const onClick = (event: MouseEvent) => {
      const anchor = (event.target as Element | null)?.closest?.('a[href]') as HTMLAnchorElement | null;
      if (anchor && new URL(anchor.href, window.location.href).pathname !== window.location.pathname)
        cancel();
    };
    document.addEventListener('click', onClick, true);
    window.addEventListener('beforeunload', cancel);
    return () => {
      document.removeEventListener('click', onClick, true);
      window.removeEventListener('beforeunload', cancel);
    };
  }, []);
  const filters = draft.filters;
  const search = draft.search;
  const setFilters = (update: (current: Record<string, string>) => Record<string, string>) =>
    setDraft((d) => ({ ...d, filters: update(d.filters) }));
  const setSearch = (value: string) => setDraft((d) => ({ ...d, search: value }));

  const input: ListInput = useMemo(
    () => ({
      page,
      pageSize,
      sort: sorting[0] ? { id: sorting[0].id, desc: sorting[0].desc } : undefined,
      filters: Object.fromEntries(Object.entries(urlFilters).filter(([, value]) => value !== '')),
      search: (url.q as string) || undefined,
    }),
    [page, pageSize, sorting, urlFilters, url.q],
  );

  const result = useQuery({ ...props.query(input), placeholderData: keepPreviousData });
  const data = result.data;
  const rows = data?.rows ?? [];
  const totalsRows = data?.totalsRows ?? [];
  const total = data?.total ?? 0;
  const pageCount = Math.max(1, Math.ceil(total / pageSize));

  // eslint-disable-next-line react-hooks/incompatible-library -- the table is rebuilt from server data each render
  const table = useReactTable({
    data: rows,
    columns: props.columns,
    // Without this, tanstack's default cell renders the raw value while the CSV writes `meta.format`:
    // the screen and the export must show the same text.
    defaultColumn: { cell: ({ row, column }) => cellText(column.columnDef, row.original) },
    getCoreRowModel: getCoreRowModel(),
    manualSorting: true,
    manualPagination: true,
    manualFiltering: true,
    pageCount,
    state: { sorting, columnVisibility },
    onSortingChange: (updater) => setSorting(updater),
  });

  async function exportCsv() {
    setExporting(true);
    setExportError(null);
    try {
      const all = await queryClient.fetchQuery(props.query({ ...input, page: 0, all: true }));
      const columns = table.getAllLeafColumns().filter((column) => column.columnDef.meta?.exclude !== 'csv');
      const header = columns.map((column) => headerText(column.columnDef.header, column.id));
      const body = [...all.rows, ...(all.totalsRows ?? [])].map((row) =>
        columns.map((column) => cellText(column.columnDef, row)),
      );
      const csv = moneyAsNumbers(header, body);
      downloadCsv(`${props.csvFileName}.csv`, toCsv(csv.header, csv.rows));
    } catch (error) {
      setExportError(errorMessage(error));
    } finally {
      setExporting(false);
    }
  }

  const hasFilters = props.columns.some((column) => column.meta?.filter);

  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center gap-2">
        <input
          aria-label="Search"
          placeholder={props.searchPlaceholder ?? 'Search…'}
          value={search}
          onChange={(event) => setSearch(event.target.value)}
          className="w-64 rounded-md border border-slate-300 px-2.5 py-1.5 text-sm"
        />
        <div className="flex-1" />
        {props.toolbar}
        {prefsKey ? (
          <details className="relative" data-testid="column-chooser">
            <summary className="cursor-pointer list-none rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-800 hover:bg-slate-50">
              Columns{hidden.length > 0 ? ` (${hidden.length} hidden)` : ''}
            </summary>
            <fieldset className="absolute right-0 z-30 mt-1 max-h-80 w-64 overflow-y-auto rounded-md border border-slate-200 bg-white p-2 shadow-lg">
              <legend className="sr-only">Columns shown</legend>
              {table
                .getAllLeafColumns()
                .slice(frozen)
                .map((column) => (
                  <label key={column.id} className="flex items-center gap-2 px-1 py-0.5 text-sm">
                    <input
                      type="checkbox"
                      checked={!hidden.includes(column.id)}
                      onChange={(event) =>
                        writeHidden(
                          prefsKey,
                          event.target.checked
                            ? hidden.filter((id) => id !== column.id)
                            : [...hidden, column.id],
                        )
                      }
                    />
                    {headerText(column.columnDef.header, column.id)}
                  </label>
                ))}
              {hidden.length > 0 ? (
                <button
                  type="button"
                  className="mt-1 w-full rounded px-1 py-1 text-left text-sm text-brand-700 hover:bg-slate-50"
                  onClick={() => writeHidden(prefsKey, [])}
                >
                  Show all columns
                </button>
              ) : null}
            </fieldset>
          </details>
        ) : null}
        <Button variant="secondary" onClick={() => void exportCsv()} disabled={exporting}>
          {exporting ? 'Exporting…' : 'Export CSV'}
        </Button>
      </div>
      {exportError ? <Alert>{exportError}</Alert> : null}
      {result.error ? <Alert>{errorMessage(result.error)}</Alert> : null}
      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
        <table className="min-w-full divide-y divide-slate-200 text-sm" data-testid="data-table">
          <thead className="bg-slate-50">
            {table.getHeaderGroups().map((group) => (
              <tr key={group.id}>
                {group.headers.map((header, index) => {
                  const sorted = header.column.getIsSorted();
                  const canSort = header.column.columnDef.enableSorting !== false;
                  return (
                    <th
                      key={header.id}
                      ref={index === 0 ? firstHeader : undefined}
                      scope="col"
                      style={frozenCell(index, 'bg-slate-50').style}
                      className={`whitespace-nowrap px-3 py-2 text-left font-medium text-slate-700 ${frozenCell(index, 'bg-slate-50').className} ${header.column.columnDef.meta?.align === 'right' ? 'text-right' : ''}`}
                      aria-sort={
                        sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : undefined
                      }
                    >
                      {canSort ? (
                        <button
                          type="button"
                          className="inline-flex items-center gap-1 hover:text-slate-900"
                          onClick={header.column.getToggleSortingHandler()}
                        >
                          {flexRender(header.column.columnDef.header, header.getContext())}
                          <span aria-hidden>{sorted === 'asc' ? '▲' : sorted === 'desc' ? '▼' : '↕'}</span>
                        </button>
                      ) : (
                        flexRender(header.column.columnDef.header, header.getContext())
                      )}
                    </th>
                  );
                })}
              </tr>
            ))}
            {hasFilters ? (
              <tr>
                {table.getVisibleLeafColumns().map((column, index) => {
                  const filter = column.columnDef.meta?.filter;
                  const label = `Filter ${headerText(column.columnDef.header, column.id)}`;
                  const value = filters[column.id] ?? '';
                  const set = (next: string) => setFilters((current) => ({ ...current, [column.id]: next }));
                  return (
                    <td
                      key={column.id}
                      style={frozenCell(index, 'bg-slate-50').style}
                      className={`px-3 pb-2 ${frozenCell(index, 'bg-slate-50').className}`}
                    >
                      {filter === 'text' ? (
                        <input
                          aria-label={label}
                          value={value}
                          onChange={(e) => set(e.target.value)}
                          className="w-full rounded border border-slate-300 px-2 py-1 text-xs font-normal"
                        />
                      ) : Array.isArray(filter) ? (
                        <select
                          aria-label={label}
                          value={value}
                          onChange={(e) => set(e.target.value)}
                          className="w-full rounded border border-slate-300 px-1 py-1 text-xs font-normal"
                        >
                          <option value="">All</option>
                          {filter.map((option) => (
                            <option key={option.value} value={option.value}>
                              {option.label}
                            </option>
                          ))}
                        </select>
                      ) : null}
                    </td>
                  );
                })}
              </tr>
            ) : null}
          </thead>
          <tbody className="divide-y divide-slate-100">
            {rows.length === 0 ? (
              <tr>
                <td colSpan={props.columns.length} className="px-3 py-8 text-center text-slate-500">
                  {result.isLoading ? 'Loading…' : (props.emptyMessage ?? 'Nothing matches these filters.')}
                </td>
              </tr>
            ) : (
              table.getRowModel().rows.map((row) => (
                <tr
                  key={row.id}
                  className={`group hover:bg-slate-50 ${props.rowClassName?.(row.original) ?? ''}`}
                >
                  {row.getVisibleCells().map((cell, index) => {
                    const meta = cell.column.columnDef.meta;
                    const content = cell.column.columnDef.cell
                      ? flexRender(cell.column.columnDef.cell, cell.getContext())
                      : cellText(cell.column.columnDef, row.original);
                    return (
                      <td
                        key={cell.id}
                        style={frozenCell(index, 'bg-white group-hover:bg-slate-50').style}
                        className={`px-3 py-2 ${frozenCell(index, 'bg-white group-hover:bg-slate-50').className} ${meta?.align === 'right' ? 'tabular whitespace-nowrap text-right' : ''}`}
                      >
                        {index === 0 && props.rowHref ? (
                          <Link
                            href={props.rowHref(row.original)}
                            className="font-medium text-brand-700 hover:underline"
                          >
                            {content}
                          </Link>
                        ) : (
                          content
                        )}
                      </td>
                    );
                  })}
                </tr>
              ))
            )}
          </tbody>
          {totalsRows.length > 0 && rows.length > 0 ? (
            <tfoot
              className="border-t-2 border-slate-300 bg-slate-50 font-semibold"
              data-testid="data-table-totals"
            >
              {totalsRows.map((row, rowIndex) => (
                <tr key={rowIndex}>
                  {table.getVisibleLeafColumns().map((column) => (
                    <td
                      key={column.id}
                      className={`px-3 py-2 ${column.columnDef.meta?.align === 'right' ? 'tabular whitespace-nowrap text-right' : ''}`}
                    >
                      {cellText(column.columnDef, row)}
                    </td>
                  ))}
                </tr>
              ))}
            </tfoot>
          ) : null}
        </table>
      </div>
      <div className="flex flex-wrap items-center justify-between gap-2 text-sm text-slate-600">
        <span data-testid="data-table-total">
          {total === 0
            ? 'No rows'
            : `Rows ${page * pageSize + 1}–${Math.min(total, (page + 1) * pageSize)} of ${total}`}
        </span>
        <div className="flex items-center gap-2">
          <select
            aria-label="Rows per page"
            value={pageSize}
            onChange={(e) => setPageSize(Number(e.target.value))}
            className="rounded border border-slate-300 px-1 py-1"
          >
            {[10, 25, 50, 100].map((size) => (
              <option key={size} value={size}>
                {size} / page
              </option>
            ))}
          </select>
          <Button
            variant="secondary"
            onClick={() => setPage((p) => Math.max(0, p - 1))}
            disabled={page === 0}
          >
            Previous
          </Button>
          <span>
            Page {page + 1} of {pageCount}
          </span>
          <Button variant="secondary" onClick={() => setPage((p) => p + 1)} disabled={page + 1 >= pageCount}>
            Next
          </Button>
        </div>
      </div>
    </div>
  );
}

function headerText(header: unknown, fallback: string): string {
  return typeof header === 'string' ? header : fallback;
}

/** The display text of a cell: the column's formatter, else its raw accessor value. */
export function cellText<T>(column: ColumnDef<T>, row: T): string {
  if (column.meta?.format) return column.meta.format(row);
  if ('accessorKey' in column && typeof column.accessorKey === 'string') {
    const value = (row as Record<string, unknown>)[column.accessorKey];
    if (value === null || value === undefined) return '';
    if (value instanceof Date) return value.toISOString();
    return String(value);
  }
  return '';
}
