/**
 * Which columns a person has hidden in a table, remembered in this browser per user and table
 * (`plumbline.columns.v1.<userId>.<tableId>`). Hidden ids are stored, not shown ones, so a column
 * added later appears for everybody. Reading tolerates anything a previous version or a person wrote.
 */
const CHANGE_EVENT = 'plumbline-columns';

export function columnPrefsKey(userId: string, tableId: string): string {
  return `plumbline.columns.v1.${userId}.${tableId}`;
}

export function parseHidden(text: string | null): string[] {
  if (!text) return [];
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? value.filter((id): id is string => typeof id === 'string') : [];
  } catch {
    return [];
  }
}

export function readHiddenText(key: string | null): string {
  if (!key || typeof window === 'undefined') return '';
  try {
    return window.localStorage.getItem(key) ?? '';
  } catch {
    return '';
  }
}

export function writeHidden(key: string, hidden: readonly string[]): void {
  try {
    if (hidden.length === 0) window.localStorage.removeItem(key);
    else window.localStorage.setItem(key, JSON.stringify([...new Set(hidden)]));
  } catch {
    // storage full or refused (private mode): the choice lasts until the page is left
  }
  window.dispatchEvent(new Event(CHANGE_EVENT));
}

/** For useSyncExternalStore: another tab (storage) or this one (our event) changed a choice. */
export function subscribeHidden(onChange: () => void): () => void {
  window.addEventListener('storage', onChange);
  window.addEventListener(CHANGE_EVENT, onChange);
  return () => {
    window.removeEventListener('storage', onChange);
    window.removeEventListener(CHANGE_EVENT, onChange);
  };
}
