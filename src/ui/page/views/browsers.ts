// The browser profiles the views offer.
export const BROWSER_CHOICES = ['chrome', 'firefox', 'safari', 'spec'] as const;

const LABELS: Readonly<Record<string, string>> = {
  chrome: 'Chrome',
  firefox: 'Firefox',
  safari: 'Safari',
  spec: 'the standard',
};

export function browserLabel(name: string): string {
  return LABELS[name] ?? name;
}
