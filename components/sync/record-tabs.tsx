'use client';

import { useState, type ReactNode } from 'react';
import { SyncTab } from './sync-tab';

/** The Details / Sync tabs every synced record's page has (change orders, claims, milestones). */
export function RecordTabs({ recordType, recordId, children }: { recordType: string; recordId: string; children: ReactNode }) {
  const [tab, setTab] = useState<'details' | 'sync'>('details');
  return (
    <>
      <div className="mb-4 flex gap-1 border-b border-slate-200" role="tablist">
        {(['details', 'sync'] as const).map((name) => (
          <button
            key={name}
            type="button"
            role="tab"
            aria-selected={tab === name}
            onClick={() => setTab(name)}
            className={`-mb-px border-b-2 px-3 py-2 text-sm ${tab === name ? 'border-brand-600 font-medium text-brand-700' : 'border-transparent text-slate-600'}`}
          >
            {name === 'details' ? 'Details' : 'Sync'}
          </button>
        ))}
      </div>
      {tab === 'sync' ? <SyncTab recordType={recordType} recordId={recordId} /> : children}
    </>
  );
}
