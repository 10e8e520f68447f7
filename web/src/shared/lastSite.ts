const KEY = 'zhiyuan.siteCode';

export function getLastSite(): string | undefined {
  try {
    return localStorage.getItem(KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

export function setLastSite(code: string | undefined | null): void {
  try {
    if (code) localStorage.setItem(KEY, code);
  } catch {
    /* private mode: nothing to remember */
  }
}
