/** scripts/check-node.mjs: plain JavaScript so that it runs on any Node version. */
export function isSupportedNode(version: string): boolean;
