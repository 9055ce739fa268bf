import { Injectable } from '@nestjs/common';
import type { EntityProjector } from './projection.types';

/** Typed projectors contributed by feature modules (they register in `onModuleInit`). */
@Injectable()
export class ProjectorRegistry {
  readonly #byEntity = new Map<string, EntityProjector>();

  register(projector: EntityProjector): void {
    if (this.#byEntity.has(projector.entity))
      throw new Error(`a projector for ${projector.entity} is already registered`);
    this.#byEntity.set(projector.entity, projector);
  }

  get(entity: string): EntityProjector | undefined {
    return this.#byEntity.get(entity);
  }

  all(): EntityProjector[] {
    return [...this.#byEntity.values()];
  }

  /** Tables of every typed projector. */
  tables(): string[] {
    return [...this.#byEntity.values()].flatMap((p) => p.tables);
  }
}
