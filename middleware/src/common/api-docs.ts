import { applyDecorators } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiForbiddenResponse,
  ApiProperty,
  ApiPropertyOptional,
  ApiSecurity,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { ErrorBody } from './http-error.filter';

/** The body of every error answer (see HttpErrorFilter). */
export class ErrorDto implements ErrorBody {
  @ApiProperty({ example: 400 }) statusCode!: number;
  @ApiProperty({ example: 'INPUT_INVALID', description: 'stable error code' }) error!: string;
  @ApiProperty({
    example: 'id must be shorter than or equal to 128 characters',
    description: 'names the field or resource',
  })
  message!: string;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'machine-readable details, when any',
  })
  details?: Record<string, unknown>;
}

/** A controller whose routes need an API key of this mall: the header, and the 401/403 answers. */
export const ApiKeyAuth = (): ClassDecorator & MethodDecorator =>
  applyDecorators(
    ApiSecurity('apiKey'),
    ApiUnauthorizedResponse({ type: ErrorDto, description: 'no API key, or an unknown or revoked one' }),
    ApiForbiddenResponse({ type: ErrorDto, description: 'key of another mall, or lacking the scope' }),
  );

/** A route that validates its input: 400 naming the offending field. */
export const ApiInputErrors = (): MethodDecorator & ClassDecorator =>
  applyDecorators(ApiBadRequestResponse({ type: ErrorDto, description: 'invalid input; the message names the field' }));
