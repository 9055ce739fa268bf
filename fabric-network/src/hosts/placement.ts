import type { ProcessSpec } from '../processes';
import { inNamespace } from './netns';
import { type HostsPlan, mallOrgs, orgOfProcess } from './plan';

const ANY_ADDRESS = (a: string): string => a.replace('127.0.0.1', '0.0.0.0');

/**
 * The separate-hosts {@link Placement}: each node runs in its organisation's namespace, listening on every address
 * there; a chaincode server in the namespace of the mall it serves ({@link ProcessSpec.chaincodeMall}), a shared one
 * in every mall's namespace; anything else (tools, middleware) as it is.
 */
export function placeInHosts(plan: HostsPlan, spec: ProcessSpec): ProcessSpec {
  const env = Object.fromEntries(
    Object.entries(spec.env).map(([k, v]) => [k, k.endsWith('LISTENADDRESS') && v !== undefined ? ANY_ADDRESS(v) : v]),
  );
  const mall = spec.chaincodeMall;
  if (mall !== undefined) {
    const args = spec.args.map((a, i) => (spec.args[i - 1] === '--chaincode-address' ? ANY_ADDRESS(a) : a));
    const namespaces = mallOrgs(plan)
      .filter((o) => mall === '' || o.org === mall)
      .map((o) => o.ns);
    const script = 'nss=$1; shift; for ns in $(echo "$nss" | tr , " "); do ip netns exec "$ns" "$@" & done; wait';
    return {
      ...spec,
      env,
      command: '/bin/sh',
      args: ['-c', script, 'sh', namespaces.join(','), spec.command, ...args],
    };
  }
  const org = orgOfProcess(plan, spec.name);
  if (!org) return { ...spec, env };
  const [command, args] = inNamespace(org.ns, spec.command, spec.args);
  return { ...spec, env, command, args };
}
