import { type ArgumentMetadata, BadRequestException, ValidationPipe, type ValidationError } from '@nestjs/common';

/** Rejects unknown fields and wrong types; the message names each offending field by its path. */
export class StrictValidationPipe extends ValidationPipe {
  constructor() {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      forbidUnknownValues: true,
      transform: true,
      stopAtFirstError: true,
      exceptionFactory: (errors) => new BadRequestException({ error: 'INPUT_INVALID', message: describe(errors, '') }),
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const isObject = typeof value === 'object' && value !== null && !Array.isArray(value);
    // A text body (JSON Lines) is declared `@Body() body: string` and parsed by its route.
    const textBody = metadata.metatype === String && typeof value === 'string';
    if (metadata.type === 'body' && metadata.metatype !== undefined && !isObject && !textBody) {
      throw new BadRequestException({ error: 'INPUT_INVALID', message: 'request body must be a JSON object' });
    }
    return super.transform(value, metadata);
  }
}

function describe(errors: readonly ValidationError[], prefix: string): string[] {
  return errors.flatMap((e) => {
    const path = prefix + e.property;
    const own = Object.values(e.constraints ?? {}).map((m) =>
      m.startsWith(`${e.property} `) ? `${path}${m.slice(e.property.length)}` : `${path}: ${m}`,
    );
    return [...own, ...describe(e.children ?? [], `${path}.`)];
  });
}
