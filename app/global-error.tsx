'use client';

import Link from 'next/link';

export default function GlobalError({ error }: { error: Error & { digest?: string } }) {
  return (
    <html lang="en">
      <body style={{ fontFamily: 'system-ui, sans-serif', padding: '3rem', textAlign: 'center' }}>
        <h1>Something went wrong</h1>
        <p>Plumbline could not show this page. Reference: {error.digest ?? 'n/a'}</p>
        <Link href="/">Back to Plumbline</Link>
      </body>
    </html>
  );
}
