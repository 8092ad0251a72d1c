import type { ListInput } from '@/server/lib/list';

/**
 * The list input a DataTable derives from its URL parameters, for a server component to prefetch
 * exactly the query the table will ask for (same key, so the table starts with the rows).
 * Parameters: `page` (1-based), `size`, `sort` ("column.asc|desc"), `q`, and one per filter column.
 */
export type ListUrlOptions = {
  /** The table's filter columns; by default every parameter that is not page/size/sort/q. */
  filterIds?: readonly string[];
  pageSize?: number;
  initialSort?: { id: string; desc: boolean };
  initialFilters?: Record<string, string>;
  urlPrefix?: string;
};

type SearchParams = Record<string, string | string[] | undefined>;

export function listInputFromSearchParams(params: SearchParams, options: ListUrlOptions): ListInput {
  const prefix = options.urlPrefix ?? '';
  const get = (key: string) => {
    const value = params[`${prefix}${key}`];
    return Array.isArray(value) ? value[0] : value;
  };
  const page = Number.parseInt(get('page') ?? '1', 10);
  const size = Number.parseInt(get('size') ?? String(options.pageSize ?? 25), 10);
  const sortText =
    get('sort') ??
    (options.initialSort ? `${options.initialSort.id}.${options.initialSort.desc ? 'desc' : 'asc'}` : '');
  const match = /^(.+)\.(asc|desc)$/.exec(sortText);
  const reserved = new Set(['page', 'size', 'sort', 'q'].map((key) => `${prefix}${key}`));
  const ids = options.filterIds ?? [
    ...new Set([
      ...Object.keys(params)
        .filter((key) => key.startsWith(prefix) && !reserved.has(key))
        .map((key) => key.slice(prefix.length)),
      ...Object.keys(options.initialFilters ?? {}),
    ]),
  ];
  const filters = Object.fromEntries(
    ids.map((id) => [id, get(id) ?? options.initialFilters?.[id] ?? '']).filter(([, value]) => value !== ''),
  );
  const search = get('q') || undefined;
  return {
    page: Number.isFinite(page) && page > 0 ? page - 1 : 0,
    pageSize: Number.isFinite(size) ? size : (options.pageSize ?? 25),
    sort: match ? { id: match[1]!, desc: match[2] === 'desc' } : undefined,
    filters,
    search,
  };
}
