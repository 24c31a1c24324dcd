// What the page reads from the API, typed loosely on purpose: fields the doctor adds later (origins,
// proven fixes, page advice) are optional, and every reader checks before it trusts.
import type { SimEvent, SimResult } from '../../browser/engine.js';
import type { OriginComparison } from './origins.js';

export type Verdict = 'allowed' | 'blocked' | 'same-origin' | 'network-error' | 'incomplete' | 'opaque';

export interface FixView {
  readonly proven?: boolean;
  readonly preflight?: readonly (readonly [string, string])[] | null;
  readonly actual?: readonly (readonly [string, string])[];
  readonly corskit?: string;
  readonly expressCors?: string;
  readonly fastifyCors?: string;
  readonly honoCors?: string;
  readonly koaCors?: string;
  readonly nginx?: string;
}

export interface WarningView {
  readonly id: string;
  readonly message: string;
}

export interface CheckReportView {
  readonly url: string;
  readonly origin: string;
  readonly browser: string;
  readonly verdict: Verdict;
  readonly error: { readonly code: string; readonly message: string } | null;
  readonly events: readonly SimEvent[];
  readonly result?: SimResult;
  readonly fixes?: FixView | null;
  readonly warnings?: readonly WarningView[];
  readonly origins?: Partial<OriginComparison> | null;
  readonly pageAdvice?: readonly string[];
}

export interface ExplainItemView extends CheckReportView {
  readonly method: string;
  readonly advice?: string | null;
  readonly notes?: readonly string[];
  readonly missing?: string | null;
  readonly agrees?: boolean | null;
  readonly recorded?: { readonly status: number; readonly corsError: string | null };
}

export interface ExplainView {
  readonly entries: number;
  readonly skipped: { readonly sameOrigin: number; readonly notCors: number; readonly unknownOrigin: number };
  readonly items: readonly ExplainItemView[];
}

export interface EvidenceView {
  readonly request: {
    readonly method: string;
    readonly url: string;
    readonly headers: Record<string, string>;
  };
  readonly response: { readonly status: number; readonly headers: Record<string, string | string[]> };
}

export interface FindingView {
  readonly id: string;
  readonly severity: 'high' | 'medium' | 'low' | 'info';
  readonly origin: string;
  readonly credentials: boolean;
  readonly fix: string;
  readonly cwe?: string;
  readonly evidence: {
    readonly via: string;
    readonly exchanges: readonly EvidenceView[];
    readonly config?: { readonly path: string; readonly value: string };
    readonly note?: string;
  };
}

export interface AuditTargetView {
  readonly url: string;
  readonly error: string | null;
  readonly requests: number;
  readonly findings: readonly FindingView[];
}

export interface PolicyReportView {
  readonly valid: boolean;
  readonly problems: readonly { readonly path: string; readonly message: string; readonly fix: string }[];
  readonly findings: readonly FindingView[];
  readonly code: readonly { readonly adapter: string; readonly title: string; readonly code: string }[];
  readonly trial: SimResult | null;
}
