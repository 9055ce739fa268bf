import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import { PUBLIC_KEY, SCOPES_KEY } from '../../src/auth/scopes';

/** A route as Nest's router knows it: `METHOD /path/{param}` and the scope decision on it. */
export interface RouteDecision {
  readonly route: string;
  /** `public`, the scopes needed (sorted, joined by `+`), or `none` when nobody decided. */
  readonly access: string;
}

const join = (...parts: string[]): string =>
  `/${parts
    .flatMap((p) => p.split('/'))
    .filter((p) => p !== '')
    .join('/')}`;

function decisionOf(handler: object, type: object): string {
  const pub = (Reflect.getMetadata(PUBLIC_KEY, handler) ?? Reflect.getMetadata(PUBLIC_KEY, type)) as
    boolean | undefined;
  if (pub === true) return 'public';
  const scopes = (Reflect.getMetadata(SCOPES_KEY, handler) ?? Reflect.getMetadata(SCOPES_KEY, type)) as
    string[] | undefined;
  return scopes === undefined || scopes.length === 0 ? 'none' : [...scopes].sort().join('+');
}

/** A route handler as a controller declares it (Nest's own metadata, independent of the OpenAPI scanner). */
export interface ControllerHandler {
  /** `METHOD /path/{param}`. */
  readonly route: string;
  readonly method: string;
  /** The controller class; `name` is the handler's property on its prototype. */
  readonly type: new (...a: never[]) => object;
  readonly name: string;
  readonly handler: object;
}

/** Every route handler of every controller of the running application. */
export function controllerHandlers(app: INestApplication): ControllerHandler[] {
  const out: ControllerHandler[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const type = wrapper.metatype as (new (...a: never[]) => object) | null;
      if (type === null) continue;
      const base = Reflect.getMetadata(PATH_METADATA, type) as string;
      for (const name of Object.getOwnPropertyNames(type.prototype)) {
        const handler = (type.prototype as Record<string, unknown>)[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const sub = Reflect.getMetadata(PATH_METADATA, handler) as string | undefined;
        if (sub === undefined) continue;
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod];
        const route = `${method} ${join(base, sub).replace(/:([A-Za-z]+)/g, '{$1}')}`;
        out.push({ route, method, type, name, handler });
      }
    }
  }
  return out;
}

/** Every controller route of the running application with its scope metadata (handler overrides class). */
export function routeDecisions(app: INestApplication): RouteDecision[] {
  return controllerHandlers(app).map((h) => ({ route: h.route, access: decisionOf(h.handler, h.type) }));
}

/** The route × scope table of docs/middleware.md (`## Route × scope`): one row per route. */
export function documentedDecisions(): RouteDecision[] {
  const doc = readFileSync(path.join(__dirname, '..', '..', '..', 'docs', 'middleware.md'), 'utf8');
  const section = doc.split('## Route × scope')[1]?.split('\n## ')[0] ?? '';
  return section
    .split('\n')
    .filter((l) => /^\| `[A-Z]+ \//.test(l))
    .map((l) => {
      const [, route = '', access = ''] = l.split('|').map((c) => c.trim().replace(/`/g, ''));
      return {
        route,
        access: access
          .split(/\s*\+\s*/)
          .sort()
          .join('+'),
      };
    });
}
