/** Where the charts will be while their series arrive (the same footprint, so nothing jumps). */
export function ChartsPlaceholder() {
  return (
    <div className="grid gap-6 lg:grid-cols-2" aria-busy="true" aria-label="Charts">
      {[0, 1, 2, 3].map((i) => (
        <div key={i} className="h-80 animate-pulse rounded-lg border border-slate-200 bg-white shadow-sm" />
      ))}
    </div>
  );
}
