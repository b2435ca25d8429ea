// Compiled JSON Schema validators for tool inputs. Compiling is the expensive part,
// so each distinct schema is compiled once and kept (bounded) across requests.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { JsonObject } from '../wire';

// Tool schemas come from every kind of client: unknown keywords and formats must not
// make a valid call fail, so strict mode and format validation are off. Made at the first
// schema, not at start (its meta-schemas cost start-up time and idle memory).
let ajv: Ajv | null = null;

const MAX_CACHED = 512;
const byText = new Map<string, ValidateFunction | null>();

/**
 * The validator for a schema, or null when the schema itself cannot be compiled. Found by the
 * schema's text: every request brings its own schema objects (callers keep a request's
 * validators for its further checks).
 */
export function validatorFor(schema: JsonObject): ValidateFunction | null {
  const key = JSON.stringify(schema);
  let validate = byText.get(key);
  if (validate === undefined) {
    validate = compile(schema);
    if (byText.size >= MAX_CACHED) byText.delete(byText.keys().next().value as string);
    byText.set(key, validate);
  }
  return validate;
}

function compile(schema: JsonObject): ValidateFunction | null {
  // The meta-schema reference (draft-07, 2020-12, …) changes nothing for tool inputs.
  const { $schema: _metaSchema, ...rest } = schema;
  ajv ??= new Ajv({ strict: false, validateFormats: false, allErrors: false, logger: false });
  try {
    return ajv.compile(rest);
  } catch {
    return null;
  } finally {
    // The validator keeps what it needs; left registered, every schema ever seen would stay in
    // ajv's own cache (past MAX_CACHED) and a second schema with the same $id would not compile.
    ajv.removeSchema(rest);
  }
}

/** "missing 'command'", "'/timeout' must be number", … */
export function describeSchemaError(error: ErrorObject): string {
  const at = error.instancePath ? `'${error.instancePath}'` : 'input';
  switch (error.keyword) {
    case 'required':
      return `missing '${(error.params as { missingProperty: string }).missingProperty}'`;
    case 'additionalProperties':
      return `unexpected property '${(error.params as { additionalProperty: string }).additionalProperty}'`;
    case 'type':
      return `${at} must be ${(error.params as { type: string }).type}`;
    case 'enum':
      return `${at} must be one of ${(error.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return `${at} ${error.message ?? 'is invalid'}`;
  }
}
