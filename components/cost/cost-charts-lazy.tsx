'use client';

import dynamic from 'next/dynamic';
import { ChartsPlaceholder } from './charts-placeholder';

/**
 * The cost charts, loaded after the page is interactive: recharts is most of the cost pages' script
 * (bench:pages, issue 15), and parsing it before the first paint held back the figures the page is
 * for. Client-only (`ssr: false`): the charts size themselves to their container in the browser.
 */
export const CostChartsGrid = dynamic(() => import('./cost-charts-grid').then((m) => m.CostChartsGrid), {
  ssr: false,
  loading: () => <ChartsPlaceholder />,
});
