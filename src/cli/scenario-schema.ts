// `corskit simulate` checks scenario files against the published JSON Schema (schema/scenario.schema.json,
// specified in docs/scenarios.md) first, and reports every problem as one line with the field's path.
import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { UsageError } from '../doctor/usage.js';

/** Where the schema ships: next to dist/ and src/ in the package. */
export const SCENARIO_SCHEMA_URL = new URL('../../schema/scenario.schema.json', import.meta.url);

/** Messages for the schema's alternatives (by definition name), which ajv reports branch by branch. */
const ANY_OF_MESSAGES: Record<string, string> = {
  headers: 'must be an object of header names to values, or an array of [name, value] pairs of strings',
  headerValue: 'must be a string, or an array of strings for a repeated header',
};

const TYPE_WORDS: Record<string, string> = {
  string: 'a string',
  integer: 'a whole number',
  number: 'a number',
  boolean: 'true or false',
  object: 'an object',
  array: 'an array',
};

let validator: { validate: ValidateFunction; definitions: Record<string, object> } | undefined;

function compiled(): { validate: ValidateFunction; definitions: Record<string, object> } {
  if (validator === undefined) {
    const schema = JSON.parse(readFileSync(SCENARIO_SCHEMA_URL, 'utf8')) as {
      definitions: Record<string, object>;
    };
    const validate = new Ajv({ allErrors: true, verbose: true }).compile(schema);
    validator = { validate, definitions: schema.definitions };
  }
  return validator;
}

/** The name of the definition an error's schema is, if any. */
function definitionOf(error: ErrorObject): string | undefined {
  const { definitions } = compiled();
  return Object.keys(definitions).find((name) => definitions[name] === error.parentSchema);
}

/** `/server/redirects/0/status` under `[2]` → `[2].server.redirects[0].status`. */
function fieldPath(root: string, pointer: string): string {
  let out = root;
  for (const raw of pointer.split('/').slice(1)) {
    const part = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    out += /^\d+$/.test(part) ? `[${part}]` : `.${part}`;
  }
  return out;
}

function describe(error: ErrorObject, root: string): string {
  const at = fieldPath(root, error.instancePath);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return `${at}.${String(params.missingProperty)}: is required`;
    case 'additionalProperties': {
      const known = Object.keys((error.parentSchema as { properties?: object }).properties ?? {});
      return `${at}.${String(params.additionalProperty)}: is not a field of the scenario format (the fields here: ${known.join(', ')})`;
    }
    case 'enum':
      return `${at}: must be one of ${(params.allowedValues as unknown[]).join(', ')}`;
    case 'type':
      return `${at}: must be ${TYPE_WORDS[String(params.type)] ?? String(params.type)}`;
    case 'minimum':
    case 'maximum':
      return `${at}: must be a three-digit HTTP status code, from 100 to 999`;
    case 'minLength':
      return `${at}: must not be empty`;
    case 'anyOf':
      return `${at}: ${ANY_OF_MESSAGES[definitionOf(error) ?? ''] ?? error.message ?? 'is not valid'}`;
    default:
      return `${at}: ${error.message ?? 'is not valid'}`;
  }
}

/** Every schema violation of one scenario, one line each (empty when it conforms). */
export function scenarioSchemaErrors(value: unknown, root = 'scenario'): string[] {
  const { validate } = compiled();
  if (validate(value)) return [];
  const errors = validate.errors ?? [];
  // A failed alternative is reported once, not branch by branch.
  const alternatives = errors.filter((e) => e.keyword === 'anyOf');
  const lines = errors
    .filter(
      (e) =>
        e.keyword === 'anyOf' ||
        !alternatives.some(
          (a) => e.instancePath.startsWith(a.instancePath) && e.schemaPath.startsWith(`${a.schemaPath}/`),
        ),
    )
    // An alternative that failed deeper down is reported there.
    .filter(
      (e, _, kept) =>
        e.keyword !== 'anyOf' || !kept.some((k) => k.instancePath.startsWith(`${e.instancePath}/`)),
    )
    .map((e) => describe(e, root));
  return [...new Set(lines)];
}

/** Checks the text of a scenario file against the schema; throws one UsageError listing every problem. */
export function checkScenarioFile(text: string, file: string): void {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${file} is not valid JSON: ${(err as Error).message}`);
  }
  const list = Array.isArray(json) ? json : [json];
  const lines = list.flatMap((item, i) =>
    scenarioSchemaErrors(item, Array.isArray(json) ? `[${i}]` : 'scenario'),
  );
  if (lines.length > 0) throw new UsageError(lines.map((l) => `${file}: ${l}`).join('\n'));
}
