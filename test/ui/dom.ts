// The page's globals, typed just enough for page.evaluate callbacks: the test program is compiled
// without the DOM library (src/ must not lean on it), so callbacks reach them through globalThis.
export interface PageElement {
  readonly tagName: string;
  readonly textContent: string | null;
  getAttribute(name: string): string | null;
}

export interface PageWindow {
  readonly document: {
    readonly activeElement: PageElement | null;
    querySelector(selector: string): PageElement | null;
  };
  readonly location: { hash: string };
  readonly navigator: { readonly clipboard: { readText(): Promise<string> } };
  readonly __corskit?: {
    runWhatIf(
      scenario: unknown,
      browser: string,
    ): { ok: true; result: unknown } | { ok: false; error: string };
  };
  readonly axe: { run(context: unknown, options: unknown): Promise<unknown> };
}
