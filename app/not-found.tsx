import Link from 'next/link';

export default function NotFound() {
  return (
    <main className="flex min-h-screen flex-col items-center justify-center gap-2 px-4 text-center">
      <p className="text-sm font-semibold text-brand-700">404</p>
      <h1 className="text-xl font-semibold">We could not find that page</h1>
      <p className="text-sm text-slate-600">
        It may have moved, or it belongs to a project you are not a member of.
      </p>
      <Link href="/" className="mt-2 text-sm text-brand-700 hover:underline">
        Back to Plumbline
      </Link>
    </main>
  );
}
