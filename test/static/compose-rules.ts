import { existsSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { type ComposeDoc, REPO_ROOT, dependenciesOf, mountsOf, portsOf, withDefaults } from './compose-file';

/** Every published port is bound to 127.0.0.1, publishes the port it listens on, and is published once. */
export function loopbackProblems(doc: ComposeDoc): string[] {
  const problems: string[] = [];
  const seen = new Map<number, string>();
  for (const [name, s] of Object.entries(doc.services)) {
    for (const p of portsOf(name, s)) {
      if (p.hostIp !== '127.0.0.1') problems.push(`${name}: port ${p.raw} is not bound to 127.0.0.1`);
      if (p.published !== p.target)
        problems.push(`${name}: port ${p.raw} publishes another number than the container listens on`);
      const other = p.published === undefined ? undefined : seen.get(p.published);
      if (other !== undefined) problems.push(`${name}: host port ${p.published} is also published by ${other}`);
      if (p.published !== undefined) seen.set(p.published, name);
    }
  }
  return problems;
}

function buildProblems(
  name: string,
  build: NonNullable<ComposeDoc['services'][string]['build']>,
  root: string,
): string[] {
  const context = resolve(root, withDefaults(typeof build === 'string' ? build : build.context));
  if (!existsSync(context) || !statSync(context).isDirectory())
    return [`${name}: build context ${context} does not exist`];
  const dockerfile = resolve(context, typeof build === 'string' ? 'Dockerfile' : (build.dockerfile ?? 'Dockerfile'));
  return existsSync(dockerfile) ? [] : [`${name}: Dockerfile ${dockerfile} does not exist`];
}

/** Every build context, Dockerfile, bind-mounted file and named volume the compose file names exists. */
export function fileProblems(doc: ComposeDoc, root = REPO_ROOT): string[] {
  const problems: string[] = [];
  const volumes = new Set(Object.keys(doc.volumes ?? {}));
  for (const [name, s] of Object.entries(doc.services)) {
    if (s.build) problems.push(...buildProblems(name, s.build, root));
    for (const m of mountsOf(name, s)) {
      if (m.bind) {
        const source = isAbsolute(m.source) ? m.source : resolve(root, m.source);
        if (!existsSync(source)) problems.push(`${name}: mounted ${m.source} does not exist`);
      } else if (!volumes.has(m.source)) {
        problems.push(`${name}: volume ${m.source} is not declared under volumes`);
      }
    }
  }
  return problems;
}

/**
 * depends_on names services that exist and that Compose can wait for: a healthy condition
 * needs a healthcheck, completion needs a one-shot (restart "no"), and a service always
 * started must not wait for one that only a profile starts (Compose refuses that).
 */
export function dependencyProblems(doc: ComposeDoc): string[] {
  const problems: string[] = [];
  for (const [name, s] of Object.entries(doc.services)) {
    for (const [dep, condition] of Object.entries(dependenciesOf(s))) {
      const target = doc.services[dep];
      if (!target) {
        problems.push(`${name} depends on ${dep}, which is not a service`);
        continue;
      }
      if (condition === 'service_healthy' && (!target.healthcheck?.test || target.healthcheck.disable === true)) {
        problems.push(`${name} waits for ${dep} to be healthy, but ${dep} has no healthcheck`);
      }
      if (condition === 'service_completed_successfully' && target.restart !== 'no') {
        problems.push(
          `${name} waits for ${dep} to complete, but ${dep} restarts (${target.restart ?? 'default'}); a one-shot needs restart: "no"`,
        );
      }
      if (!s.profiles && target.profiles)
        problems.push(
          `${name} (always started) depends on ${dep}, which only profile ${target.profiles.join(',')} starts`,
        );
    }
  }
  return problems;
}

/** Long-running services report health, so that depends_on and `docker compose ps` mean something. */
export function healthProblems(doc: ComposeDoc): string[] {
  return Object.entries(doc.services)
    .filter(([, s]) => s.restart !== 'no' && !s.healthcheck?.test)
    .map(([name]) => `${name} runs for long but has no healthcheck`);
}
