'use client';

import { parseAsStringLiteral, useQueryState } from 'nuqs';
import { useRef, type KeyboardEvent, type ReactNode } from 'react';
import { SyncTab } from './sync-tab';

const tabs = ['details', 'sync'] as const;

/**
 * The Details / Sync tabs every synced record's page has (change orders, claims, milestones). The
 * open tab is in the URL (`?tab=sync`), so reload and Back keep it; arrow keys, Home and End move
 * between tabs as the WAI-ARIA tabs pattern expects.
 */
export function RecordTabs({
  recordType,
  recordId,
  children,
}: {
  recordType: string;
  recordId: string;
  children: ReactNode;
}) {
  const [tab, setTab] = useQueryState(
    'tab',
    parseAsStringLiteral(tabs).withDefault('details').withOptions({ history: 'push', scroll: false }),
  );
  const refs = useRef<Record<string, HTMLButtonElement | null>>({});
  function onKeyDown(event: KeyboardEvent<HTMLButtonElement>) {
    const index = tabs.indexOf(tab);
    const next =
      event.key === 'ArrowRight'
        ? tabs[(index + 1) % tabs.length]
        : event.key === 'ArrowLeft'
          ? tabs[(index - 1 + tabs.length) % tabs.length]
          : event.key === 'Home'
            ? tabs[0]
            : event.key === 'End'
              ? tabs[tabs.length - 1]
              : null;
    if (!next) return;
    event.preventDefault();
    void setTab(next);
    refs.current[next]?.focus();
  }
  return (
    <>
      <div className="mb-4 flex gap-1 border-b border-slate-200" role="tablist" aria-label="Record">
        {tabs.map((name) => (
          <button
            key={name}
            ref={(el) => {
              refs.current[name] = el;
            }}
            id={`tab-${name}`}
            type="button"
            role="tab"
            aria-selected={tab === name}
            aria-controls={`tabpanel-${name}`}
            tabIndex={tab === name ? 0 : -1}
            onClick={() => void setTab(name)}
            onKeyDown={onKeyDown}
            className={`-mb-px border-b-2 px-3 py-2 text-sm ${tab === name ? 'border-brand-600 font-medium text-brand-700' : 'border-transparent text-slate-700'}`}
          >
            {name === 'details' ? 'Details' : 'Sync'}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`tabpanel-${tab}`} aria-labelledby={`tab-${tab}`}>
        {tab === 'sync' ? <SyncTab recordType={recordType} recordId={recordId} /> : children}
      </div>
    </>
  );
}
