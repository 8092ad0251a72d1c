import Link from 'next/link';

export default function Forbidden() {
  return (
    <main className="flex min-h-[60vh] flex-col items-center justify-center gap-2 px-4 text-center">
      <p className="text-sm font-semibold text-red-700">403</p>
      <h1 className="text-xl font-semibold">You do not have access to this page</h1>
      <p className="text-sm text-slate-600">
        Your role does not include it. Ask an administrator if you need access.
      </p>
      <Link href="/" className="mt-2 text-sm text-brand-700 hover:underline">
        Back to Plumbline
      </Link>
    </main>
  );
}
